#include "generate_command.h"

#include "terminal_progress.h"

#include "demo/bag_of_words_baseline.h"
#include "demo/classification_demo.h"
#include "demo/nli_grammar.h"
#include "demo/translation_corpus.h"
#include "util/atomic_file.h"
#include "util/error.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

namespace headscope::train {

namespace {

void check(const core::Result<bool>& r)
{
    if (!r)
        throw core::ErrorException(r.error());
}

BowResult generateClassification(const GenerateOptions& o)
{
    namespace fs = std::filesystem;
    core::ClassificationDemoParams params;
    params.seed = o.seed;
    params.nTrainPerDomain = o.nTrainPerDomain;
    params.nDevPerDomain = o.nDevPerDomain;
    const auto data = core::generateClassificationDemo(params);
    const fs::path out(o.outDir);
    check(core::writeNliTsv((out / "train.tsv").string(), data.train));
    check(core::writeNliTsv((out / "dev_matched.tsv").string(), data.devMatched));
    check(core::writeNliTsv((out / "dev_mismatched.tsv").string(), data.devMismatched));
    check(core::writeVocabTxt((out / "vocab.txt").string(), core::demoVocabulary()));

    core::BagOfWordsBaseline bow(core::nliLabelNames());
    const core::BagOfWordsBaseline::Params bowParams;
    check(bow.train(data.train, bowParams));
    BowResult r;
    r.trainAccuracy = bow.accuracy(data.train);
    r.devMatched = bow.accuracy(data.devMatched);
    r.devMismatched = bow.accuracy(data.devMismatched);
    const nlohmann::json doc = {
        {"model", "multinomial logistic regression over unigram counts of premise and hypothesis (separate features)"},
        {"iterations", bowParams.nIterations},
        {"learning_rate", bowParams.learningRate},
        {"l2", bowParams.l2},
        {"train_accuracy", r.trainAccuracy},
        {"dev_matched_accuracy", r.devMatched},
        {"dev_mismatched_accuracy", r.devMismatched},
    };
    const auto written = core::writeFileAtomically((out / "bow_baseline.json").string(), doc.dump(2) + "\n");
    if (!written)
        throw core::ErrorException(written.error());
    std::fprintf(stderr, "classification demo: %zu train, %zu + %zu dev pairs in %s\n", data.train.size(),
                 data.devMatched.size(), data.devMismatched.size(), o.outDir.c_str());
    std::fprintf(stderr, "bag-of-words baseline: train %.2f%%, dev_matched %.2f%%, dev_mismatched %.2f%%\n",
                 100 * r.trainAccuracy, 100 * r.devMatched, 100 * r.devMismatched);
    return r;
}

void generateTranslation(const GenerateOptions& o)
{
    core::TranslationCorpusParams params;
    params.seed = o.seed;
    params.nTrain = o.nTrain;
    params.nDev = o.nDev;
    params.nTest = o.nTest;
    params.nTestOod = o.nTestOod;
    const auto corpus = core::generateTranslationCorpus(params);
    check(core::writeTranslationCorpus(o.outDir, corpus));
    std::fprintf(stderr, "translation corpus: %zu train, %zu dev, %zu test, %zu out-of-domain test pairs in %s\n",
                 corpus.train.size(), corpus.dev.size(), corpus.test.size(), corpus.testOod.size(), o.outDir.c_str());
}

} // namespace

void addGenerateOptions(CLI::App& cmd, GenerateOptions& o)
{
    cmd.add_option("--task", o.task, "classification or translation")
        ->capture_default_str()
        ->check(CLI::IsMember({"classification", "translation"}));
    cmd.add_option("--out", o.outDir, "output folder (created)")->required();
    cmd.add_option("--seed", o.seed, "data seed")->capture_default_str();
    cmd.add_option("--train-per-domain", o.nTrainPerDomain, "classification: training pairs per domain")
        ->capture_default_str()->check(CLI::Range(1, 10000000));
    cmd.add_option("--dev-per-domain", o.nDevPerDomain, "classification: dev pairs per domain")
        ->capture_default_str()->check(CLI::Range(1, 1000000));
    cmd.add_option("--train", o.nTrain, "translation: training pairs")->capture_default_str()->check(CLI::Range(1, 10000000));
    cmd.add_option("--dev", o.nDev, "translation: dev pairs")->capture_default_str()->check(CLI::Range(1, 1000000));
    cmd.add_option("--test", o.nTest, "translation: test pairs")->capture_default_str()->check(CLI::Range(1, 1000000));
    cmd.add_option("--test-ood", o.nTestOod, "translation: out-of-domain test pairs")->capture_default_str()->check(CLI::Range(1, 1000000));
}

BowResult runGenerate(const GenerateOptions& o)
{
    std::error_code ec;
    std::filesystem::create_directories(o.outDir, ec);
    if (ec)
        core::fail(core::ErrorCode::Runtime, "cannot create directory", o.outDir, ec.message());
    if (o.task == "translation") {
        generateTranslation(o);
        return {};
    }
    return generateClassification(o);
}

} // namespace headscope::train
