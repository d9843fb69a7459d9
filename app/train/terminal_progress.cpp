#include "terminal_progress.h"

#include <cstdio>
#include <unistd.h>

namespace headscope::train {

TerminalProgress::TerminalProgress()
    : m_start(std::chrono::steady_clock::now()), m_last(m_start), m_terminal(isatty(STDERR_FILENO) != 0)
{
}

bool TerminalProgress::update(int64_t done, int64_t total, const std::string& note)
{
    const auto now = std::chrono::steady_clock::now();
    // Not a terminal (a log file): one line every 30 s instead of a moving line.
    const double every = m_terminal ? 0.25 : 30.0;
    if (done < total && std::chrono::duration<double>(now - m_last).count() < every)
        return true;
    m_last = now;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double left = done > 0 ? elapsed * double(total - done) / double(done) : 0.0;
    std::fprintf(stderr, "%s  step %lld/%lld  %.0f%%  elapsed %.0fs  left ~%.0fs  %s%s", m_terminal ? "\r" : "",
                 static_cast<long long>(done), static_cast<long long>(total), total ? 100.0 * double(done) / double(total) : 0.0,
                 elapsed, left, note.c_str(), m_terminal ? "\x1b[K" : "\n");
    std::fflush(stderr);
    m_dirty = m_terminal;
    return true;
}

void TerminalProgress::line(const std::string& text)
{
    if (m_dirty)
        std::fprintf(stderr, "\r\x1b[K");
    m_dirty = false;
    std::fprintf(stderr, "%s\n", text.c_str());
    std::fflush(stderr);
}

} // namespace headscope::train
