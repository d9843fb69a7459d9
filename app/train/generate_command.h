#pragma once
// headscope-train generate: writes the demo data sets from a seed.
//   classification: train.tsv, dev_matched.tsv, dev_mismatched.tsv, vocab.txt, bow_baseline.json
//   translation:    {train,dev,test,test_ood}.{src,tgt}
#include <cstdint>
#include <string>

namespace CLI {
class App;
}

namespace headscope::train {

struct GenerateOptions
{
    std::string task = "classification";
    std::string outDir;
    uint64_t seed = 7;
    int nTrainPerDomain = 20000; // classification
    int nDevPerDomain = 2000;
    int nTrain = 20000; // translation
    int nDev = 500;
    int nTest = 1000;
    int nTestOod = 500;
};

struct BowResult
{
    double trainAccuracy = 0.0;
    double devMatched = 0.0;
    double devMismatched = 0.0;
};

void addGenerateOptions(CLI::App& command, GenerateOptions& options);
/// Writes the files; for classification also trains and scores the bag-of-words baseline.
BowResult runGenerate(const GenerateOptions& options);

} // namespace headscope::train
