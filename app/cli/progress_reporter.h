#pragma once
// Throttled progress line on stderr ("stage: done/total (eta)"): redrawn in place on a terminal,
// one line per second otherwise (only with --progress), silent when disabled.
#include "util/result.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace headscope::cli {

class ProgressReporter
{
public:
    /// enabled: draw anything at all; terminal: redraw one line with '\r'.
    ProgressReporter(bool enabled, bool terminal);
    ~ProgressReporter();
    ProgressReporter(const ProgressReporter&) = delete;
    ProgressReporter& operator=(const ProgressReporter&) = delete;

    /// A core progress callback for one stage. It returns false once Ctrl-C was pressed, which
    /// makes the core stop with a Cancelled error. The reporter must outlive the callback.
    core::Progress stage(const std::string& name);
    /// Ends the current progress line so that other output starts on a fresh one.
    void finishLine();

private:
    bool report(int64_t done, int64_t total);

    bool m_enabled;
    bool m_terminal;
    bool m_lineOpen = false;
    bool m_finishedShown = false;
    std::string m_stage;
    std::chrono::steady_clock::time_point m_stageStart;
    std::chrono::steady_clock::time_point m_lastDraw;
};

/// "42 s", "3m05s", "1h02m".
std::string formatDuration(double seconds);

} // namespace headscope::cli
