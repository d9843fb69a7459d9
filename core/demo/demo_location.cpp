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

// Where a demo folder (classifier or translation) may be, first match wins.
std::vector<std::string> candidates(const std::string& executableDir, const char* envName = "HEADSCOPE_DEMO_DIR",
                                    const char* folder = "classifier")
{
    std::vector<std::string> out;
    if (const char* env = std::getenv(envName); env && *env)
        out.emplace_back(env);
    if (!executableDir.empty())
        out.push_back((fs::path(executableDir) / ".." / "share" / "headscope" / "demo" / folder).string());
    if (*HEADSCOPE_SOURCE_DEMO_DIR)
        out.push_back((fs::path(HEADSCOPE_SOURCE_DEMO_DIR) / folder).string());
    return out;
}

std::vector<std::string> translationCandidates(const std::string& executableDir)
{
    return candidates(executableDir, "HEADSCOPE_TRANSLATION_DEMO_DIR", "translation");
}

std::string lookedIn(const std::vector<std::string>& places)
{
    std::string text;
    for (const auto& c : places)
        text += (text.empty() ? "" : ", ") + c;
    return text.empty() ? std::string("nowhere (no install or source folder known)") : text;
}

std::string lookedIn(const std::string& executableDir)
{
    return lookedIn(candidates(executableDir));
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

std::optional<TranslationDemoLocation> findTranslationDemo(const std::string& executableDir)
{
    std::error_code ec;
    for (const auto& c : translationCandidates(executableDir)) {
        const fs::path root = fs::path(c).lexically_normal();
        if (!fs::exists(root / "model" / "config.json", ec))
            continue;
        TranslationDemoLocation d;
        d.root = root.string();
        d.modelDir = (root / "model").string();
        d.checkpointsDir = (root / "checkpoints").string();
        d.testSource = (root / "data" / "test.src").string();
        d.testReference = (root / "data" / "test.tgt").string();
        d.oodSource = (root / "data" / "test_ood.src").string();
        d.oodReference = (root / "data" / "test_ood.tgt").string();
        return d;
    }
    return std::nullopt;
}

std::string resolveTranslationDemoData(const std::string& argument, bool reference, const std::string& executableDir)
{
    if (argument != "demo:test" && argument != "demo:test_ood")
        return argument;
    const auto d = findTranslationDemo(executableDir);
    if (!d)
        fail(ErrorCode::FileNotFound, "the bundled translation demo is not installed", argument,
             "looked in " + lookedIn(translationCandidates(executableDir)));
    if (argument == "demo:test")
        return reference ? d->testReference : d->testSource;
    return reference ? d->oodReference : d->oodSource;
}

std::string resolveDemoModel(const std::string& modelArgument, const std::string& executableDir)
{
    if (modelArgument == "demo-translation") {
        const auto d = findTranslationDemo(executableDir);
        if (!d)
            fail(ErrorCode::FileNotFound, "the bundled translation demo is not installed", modelArgument,
                 "looked in " + lookedIn(translationCandidates(executableDir)));
        return d->modelDir;
    }
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
