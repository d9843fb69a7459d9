#pragma once
// One evaluation's state as the UI shows it: partial while batches finish, then final.
#include "analysis/evaluator.h"
#include "mask/head_mask.h"
#include "metrics/statistics.h"

#include <QMetaType>

#include <memory>

namespace headscope::ui {

struct EvalSnapshot
{
    enum class State { Empty, Running, Finished, Cancelled, Failed };

    State state = State::Empty;
    quint64 generation = 0;      // the job's generation (JobRunner)
    core::HeadMask mask;         // the mask it evaluates
    int64_t nDone = 0;           // examples done so far
    int64_t nTotal = 0;
    int64_t nCorrect = 0;
    double accuracy = 0.0;       // over nDone
    core::Interval interval;     // Wilson 95% over nDone
    double msPerExample = 0.0;   // forward time per example so far
    double examplesPerSecond = 0.0;
    /// The full result (logits, per-example correctness) once finished.
    std::shared_ptr<const core::EvalResult> result;

    bool isFinished() const { return state == State::Finished; }
    bool hasNumbers() const { return nDone > 0; }
};

} // namespace headscope::ui

Q_DECLARE_METATYPE(headscope::ui::EvalSnapshot)
