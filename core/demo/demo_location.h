#pragma once
// Where the bundled classification demo is: `--model demo`, `--data demo:matched` and the GUI's
// first start all resolve through here.
//
//   auto demo = findClassificationDemo(executableDirectory());
//   if (demo) load(demo->modelDir);
#include <optional>
#include <string>

namespace headscope::core {

struct DemoLocation
{
    std::string root;           // the demo folder (manifest.json)
    std::string modelDir;       // the final classifier
    std::string checkpointsDir; // one sub-folder per epoch
    std::string devMatched;     // dev set of the domain the labels were tuned on
    std::string devMismatched;  // dev set of the other domain
};

/// The folder of the running program (from /proc/self/exe); empty when unknown.
std::string executableDirectory();

/// The first classification demo found: $HEADSCOPE_DEMO_DIR, then next to the program
/// (<exe>/../share/headscope/demo/classifier), then the source tree's resources/demo/classifier.
std::optional<DemoLocation> findClassificationDemo(const std::string& executableDir);

/// The demo rooted at dir when it holds model/config.json; nullopt otherwise.
std::optional<DemoLocation> demoAt(const std::string& dir);

/// The bundled translation demo (a Marian model trained by headscope-train translation-demo).
struct TranslationDemoLocation
{
    std::string root;
    std::string modelDir;
    std::string checkpointsDir;
    std::string testSource, testReference;       // in-domain test set
    std::string oodSource, oodReference;         // longer sentences (two adjectives, two clauses)
};

/// The first translation demo found: $HEADSCOPE_TRANSLATION_DEMO_DIR, then
/// <exe>/../share/headscope/demo/translation, then the source tree's resources/demo/translation.
std::optional<TranslationDemoLocation> findTranslationDemo(const std::string& executableDir);

/// "demo" -> the demo model, "demo-translation" -> the translation demo's; anything else unchanged. Throws ErrorException (FileNotFound, naming
/// where it looked) when "demo" is asked for and none is installed.
std::string resolveDemoModel(const std::string& modelArgument, const std::string& executableDir);
/// "demo:matched" / "demo:mismatched" -> the demo's dev set; anything else unchanged.
/// For translation, "demo:test" / "demo:test_ood" -> that test set's source (reference: the
/// target side), see resolveTranslationDemoData.
std::string resolveDemoData(const std::string& dataArgument, const std::string& executableDir);
/// "demo:test" / "demo:test_ood" -> the translation demo's source file (reference = false) or
/// reference file (reference = true); anything else unchanged.
std::string resolveTranslationDemoData(const std::string& argument, bool reference, const std::string& executableDir);

} // namespace headscope::core
