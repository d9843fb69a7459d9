#include "train/linear_warmup_schedule.h"

#include <algorithm>

namespace headscope::core {

LinearWarmupSchedule::LinearWarmupSchedule(double peak, int64_t warmupSteps, int64_t totalSteps)
    : m_peak(peak), m_warmup(std::max<int64_t>(0, warmupSteps)), m_total(std::max<int64_t>(1, totalSteps))
{
}

double LinearWarmupSchedule::at(int64_t step) const
{
    if (step < m_warmup)
        return m_peak * double(step + 1) / double(m_warmup);
    if (m_total <= m_warmup)
        return m_peak;
    const double left = double(m_total - step) / double(m_total - m_warmup);
    return m_peak * std::clamp(left, 0.0, 1.0);
}

} // namespace headscope::core
