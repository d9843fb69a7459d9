#pragma once
// headscope-train classify: trains a BERT-layout sequence classifier on a TSV / CSV / JSONL
// pair (or single-sentence) data set with a given word-level vocab.txt.
#include "train/classifier_training.h"

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace headscope::train {

struct ClassifyOptions
{
    std::string trainPath;
    std::vector<std::string> dev; // NAME=FILE
    std::string vocabPath;
    std::string outDir;
    std::string labels = "entailment,neutral,contradiction";
    std::string task = "classification";
    int nLayers = 6;
    int nHeads = 8;
    int hidden = 128;
    int intermediate = 512;
    int maxPositions = 64;
    bool f32Checkpoints = false;
    core::ClassifierTrainParams params;
};

void addClassifyOptions(CLI::App& command, ClassifyOptions& options);
/// Loads the data, trains and writes everything under options.outDir. Throws ErrorException.
core::TrainingLog runClassify(const ClassifyOptions& options);

} // namespace headscope::train
