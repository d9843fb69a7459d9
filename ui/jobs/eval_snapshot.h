#pragma once
// One evaluation's state as the UI shows it: partial while batches finish, then final.
// Batches run in the streaming order (core/analysis/streaming_order.h), so a partial number is
// an estimate of the final one; `counts` holds what the estimates are computed from.
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
    double accuracy = 0.0;       // over nDone (an unbiased estimate of the final accuracy)
    /// 95%: of the final accuracy on the whole dataset while running or for a sample; Wilson
    /// (of the model's accuracy) once every example is done.
    core::Interval interval;
    core::EvalPartial counts;    // streaming counts; paired when the baseline was complete
    core::EvalResult::Coverage coverage = core::EvalResult::Coverage::All;
    double msPerExample = 0.0;   // forward time per example so far
    double examplesPerSecond = 0.0;
    /// The full result (logits, per-example correctness) once finished.
    std::shared_ptr<const core::EvalResult> result;

    bool isFinished() const { return state == State::Finished; }
    bool hasNumbers() const { return nDone > 0; }
    /// Every example evaluated (not a sample, not stopped at an interval width).
    bool isComplete() const { return isFinished() && coverage == core::EvalResult::Coverage::All; }
    /// The change against the baseline from paired outcomes, when there are some.
    bool hasPairedDelta() const { return counts.paired && counts.nLabelled > 0; }
};

} // namespace headscope::ui

Q_DECLARE_METATYPE(headscope::ui::EvalSnapshot)
