#include "interrupt.h"

#include "util/error.h"

#include <atomic>
#include <csignal>

namespace headscope::cli {

namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void onSigint(int)
{
    g_interrupted.store(true);
    // A second Ctrl-C should not wait for the current batch.
    std::signal(SIGINT, SIG_DFL);
}

} // namespace

void installInterruptHandler()
{
    std::signal(SIGINT, onSigint);
}

bool interrupted()
{
    return g_interrupted.load();
}

void throwIfInterrupted()
{
    if (interrupted()) core::fail(core::ErrorCode::Cancelled, "interrupted");
}

} // namespace headscope::cli
