#include "demo/demo_location.h"

#include "util/error.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#ifndef HEADSCOPE_SOURCE_DEMO_DIR
#define HEADSCOPE_SOURCE_DEMO_DIR ""
#endif

namespace headscope::core {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> candidates(const std::string& executableDir)
{
    std::vector<std::string> out;
    if (const char* env = std::getenv("HEADSCOPE_DEMO_DIR"); env && *env)
        out.emplace_back(env);
    if (!executableDir.empty())
        out.push_back((fs::path(executableDir) / ".." / "share" / "headscope" / "demo" / "classifier").string());
    if (*HEADSCOPE_SOURCE_DEMO_DIR)
        out.push_back((fs::path(HEADSCOPE_SOURCE_DEMO_DIR) / "classifier").string());
    return out;
}

std::string lookedIn(const std::string& executableDir)
{
    std::string text;
    for (const auto& c : candidates(executableDir))
        text += (text.empty() ? "" : ", ") + c;
    return text.empty() ? std::string("nowhere (no install or source folder known)") : text;
}

} // namespace

std::string executableDirectory()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

std::optional<DemoLocation> demoAt(const std::string& dir)
{
    std::error_code ec;
    const fs::path root = fs::path(dir).lexically_normal();
    if (!fs::exists(root / "model" / "config.json", ec))
        return std::nullopt;
    DemoLocation d;
    d.root = root.string();
    d.modelDir = (root / "model").string();
    d.checkpointsDir = (root / "checkpoints").string();
    d.devMatched = (root / "data" / "dev_matched.tsv").string();
    d.devMismatched = (root / "data" / "dev_mismatched.tsv").string();
    return d;
}

std::optional<DemoLocation> findClassificationDemo(const std::string& executableDir)
{
    for (const auto& c : candidates(executableDir))
        if (auto d = demoAt(c))
            return d;
    return std::nullopt;
}

std::string resolveDemoModel(const std::string& modelArgument, const std::string& executableDir)
{
    if (modelArgument != "demo")
        return modelArgument;
    const auto d = findClassificationDemo(executableDir);
    if (!d)
        fail(ErrorCode::FileNotFound, "the bundled demo is not installed", "demo", "looked in " + lookedIn(executableDir));
    return d->modelDir;
}

std::string resolveDemoData(const std::string& dataArgument, const std::string& executableDir)
{
    if (dataArgument.rfind("demo:", 0) != 0)
        return dataArgument;
    const std::string which = dataArgument.substr(5);
    if (which != "matched" && which != "mismatched")
        fail(ErrorCode::InvalidArgument, "unknown demo dataset (use demo:matched or demo:mismatched)", dataArgument);
    const auto d = findClassificationDemo(executableDir);
    if (!d)
        fail(ErrorCode::FileNotFound, "the bundled demo is not installed", dataArgument,
             "looked in " + lookedIn(executableDir));
    return which == "matched" ? d->devMatched : d->devMismatched;
}

} // namespace headscope::core
