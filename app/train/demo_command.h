#pragma once
// headscope-train demo: regenerates the shipped classification demo in one command: the data,
// the bag-of-words baseline, the trained model with its per-epoch checkpoints, and manifest.json.
#include "classify_command.h"
#include "generate_command.h"

namespace CLI {
class App;
}

namespace headscope::train {

struct DemoOptions
{
    std::string outDir = "resources/demo/classifier";
    GenerateOptions data;     // task classification; outDir = <out>/data
    ClassifyOptions classify; // train / dev / vocab / out filled in from outDir
    bool keepTrain = false;   // keep data/train.tsv (not shipped: it is regenerated in seconds)
};

void addDemoOptions(CLI::App& command, DemoOptions& options, const std::string& commandLine);
void runDemo(DemoOptions options, const std::string& commandLine);

} // namespace headscope::train
