#pragma once
// headscope-train translation-demo: regenerates the shipped translation demo in one command:
// the parallel corpus, SentencePiece models trained by libsentencepiece, a Marian model trained
// from scratch with one checkpoint per epoch, its BLEU, training_log.json and manifest.json.
#include "demo/translation_corpus.h"
#include "train/translation_trainer.h"

#include <string>

namespace CLI {
class App;
}

namespace headscope::train {

struct TranslationDemoOptions
{
    std::string outDir = "resources/demo/translation";
    core::TranslationCorpusParams data;
    int layers = 6;            // encoder and decoder layers each
    int heads = 8;
    int dModel = 96;           // narrower than the paper's: 8 checkpoints + the model must fit the 40 MB demo budget
    int ffn = 192;
    int vocabSize = 200;       // per SentencePiece model (a soft limit: the corpus is small)
    int maxPositions = 128;
    int maxLength = 64;        // generation limit, start token included
    core::TranslationTrainParams params;
    bool keepTrain = false;    // keep data/train.{src,tgt} (not shipped: regenerated in seconds)
};

void addTranslationDemoOptions(CLI::App& command, TranslationDemoOptions& options);
void runTranslationDemo(TranslationDemoOptions options, const std::string& commandLine);

} // namespace headscope::train
