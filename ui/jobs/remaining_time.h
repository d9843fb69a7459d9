#pragma once
// Time left of a job from its progress counts. The rate is measured from a starting point:
// the start of the stage when each stage counts from 0 (restart()), or the start of the job
// when the counts run over every stage (several pruning curves, a comparison's two datasets),
// where restarting at each stage would divide a whole job's remaining work by one stage's time.
#include <QtGlobal>

#include <cstdint>

namespace headscope::ui {

class RemainingTimeEstimate
{
public:
    /// Counts start again from here (a new stage).
    void restart(qint64 nowMs);
    /// Milliseconds left at `done` of `total`, or -1 while unknown (no progress yet).
    qint64 update(qint64 nowMs, int64_t done, int64_t total);

private:
    qint64 m_startMs = 0;
    int64_t m_startDone = 0; // counts at the starting point
    int64_t m_lastDone = 0;
};

} // namespace headscope::ui
