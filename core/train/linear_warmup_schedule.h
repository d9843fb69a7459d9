#pragma once
// Learning rate with linear warm-up to a peak, then linear decay to zero at the last step (the
// BERT schedule). Shared by every trainer.
#include <cstdint>

namespace headscope::core {

class LinearWarmupSchedule
{
public:
    LinearWarmupSchedule(double peak, int64_t warmupSteps, int64_t totalSteps);
    /// The rate for the step about to be taken (0-based).
    double at(int64_t step) const;
    int64_t warmupSteps() const { return m_warmup; }
    int64_t totalSteps() const { return m_total; }

private:
    double m_peak;
    int64_t m_warmup;
    int64_t m_total;
};

} // namespace headscope::core
