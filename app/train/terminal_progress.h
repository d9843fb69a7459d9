#pragma once
// One self-overwriting progress line on stderr (at most a few updates a second), and plain
// lines for finished epochs.
#include <chrono>
#include <cstdint>
#include <string>

namespace headscope::train {

class TerminalProgress
{
public:
    TerminalProgress();
    /// Updates the line "step done/total, ex/s, remaining"; returns true (never cancels).
    bool update(int64_t done, int64_t total, const std::string& note = {});
    /// Prints a line of its own, clearing the progress line first.
    void line(const std::string& text);

private:
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last;
    bool m_terminal = false;
    bool m_dirty = false;
};

} // namespace headscope::train
