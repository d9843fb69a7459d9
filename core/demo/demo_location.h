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

/// "demo" -> the demo model; anything else unchanged. Throws ErrorException (FileNotFound, naming
/// where it looked) when "demo" is asked for and none is installed.
std::string resolveDemoModel(const std::string& modelArgument, const std::string& executableDir);
/// "demo:matched" / "demo:mismatched" -> the demo's dev set; anything else unchanged.
std::string resolveDemoData(const std::string& dataArgument, const std::string& executableDir);

} // namespace headscope::core
