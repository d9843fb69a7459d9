#include "progress_reporter.h"

#include "interrupt.h"

#include <cmath>
#include <cstdio>

namespace headscope::cli {

namespace {

using Clock = std::chrono::steady_clock;

double secondsBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double>(b - a).count();
}

} // namespace

std::string formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    char buf[32];
    const auto total = static_cast<long long>(std::llround(seconds));
    if (total < 60)
        std::snprintf(buf, sizeof buf, "%lld s", total);
    else if (total < 3600)
        std::snprintf(buf, sizeof buf, "%lldm%02llds", total / 60, total % 60);
    else
        std::snprintf(buf, sizeof buf, "%lldh%02lldm", total / 3600, (total % 3600) / 60);
    return buf;
}

ProgressReporter::ProgressReporter(bool enabled, bool terminal) : m_enabled(enabled), m_terminal(terminal)
{
}

ProgressReporter::~ProgressReporter()
{
    finishLine();
}

core::Progress ProgressReporter::stage(const std::string& name)
{
    finishLine();
    m_stage = name;
    m_stageStart = Clock::now();
    m_lastDraw = Clock::time_point{};
    m_finishedShown = false;
    return [this](int64_t done, int64_t total) { return report(done, total); };
}

void ProgressReporter::finishLine()
{
    if (m_lineOpen && m_terminal) std::fputc('\n', stderr);
    m_lineOpen = false;
}

bool ProgressReporter::report(int64_t done, int64_t total)
{
    if (interrupted()) return false;
    if (!m_enabled) return true;
    const auto now = Clock::now();
    const bool finished = total > 0 && done >= total;
    if (finished && m_finishedShown) return true;
    // A terminal line is cheap to redraw; a log file gets one line per second at most.
    const double interval = m_terminal ? 0.1 : 1.0;
    if (!finished && secondsBetween(m_lastDraw, now) < interval) return true;
    m_lastDraw = now;
    m_finishedShown = finished;

    const double elapsed = secondsBetween(m_stageStart, now);
    std::string eta;
    if (finished)
        eta = "done in " + formatDuration(elapsed);
    else if (done > 0 && total > 0)
        eta = "eta " + formatDuration(elapsed * double(total - done) / double(done));
    else
        eta = "eta ?";
    const int percent = total > 0 ? int(100.0 * double(done) / double(total)) : 0;
    if (m_terminal) {
        // Pad so that a shorter line fully covers the previous one.
        std::fprintf(stderr, "\r%s: %lld/%lld (%d%%, %s)   ", m_stage.c_str(), static_cast<long long>(done),
                     static_cast<long long>(total), percent, eta.c_str());
        m_lineOpen = !finished;
        if (finished) std::fputc('\n', stderr);
    } else {
        std::fprintf(stderr, "%s: %lld/%lld (%d%%, %s)\n", m_stage.c_str(), static_cast<long long>(done),
                     static_cast<long long>(total), percent, eta.c_str());
    }
    std::fflush(stderr);
    return true;
}

} // namespace headscope::cli
