#include "jobs/remaining_time.h"

namespace headscope::ui {

void RemainingTimeEstimate::restart(qint64 nowMs)
{
    m_startMs = nowMs;
    m_startDone = 0;
    m_lastDone = 0;
}

qint64 RemainingTimeEstimate::update(qint64 nowMs, int64_t done, int64_t total)
{
    if (done < m_lastDone) {
        // The counts went back without restart(): a new count began; measure from here.
        m_startMs = nowMs;
        m_startDone = done;
    }
    m_lastDone = done;
    const int64_t progressed = done - m_startDone;
    const qint64 elapsed = nowMs - m_startMs;
    if (total <= 0 || progressed <= 0 || elapsed <= 0)
        return -1;
    if (done >= total)
        return 0;
    return qint64(double(elapsed) * double(total - done) / double(progressed));
}

} // namespace headscope::ui
