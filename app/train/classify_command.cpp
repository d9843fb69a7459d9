#include "classify_command.h"
#include "io/bert_classifier_config.h"

#include "terminal_progress.h"

#include "data/dataset.h"
#include "text/wordpiece_tokenizer.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace headscope::train {

namespace {

template <class T>
T unwrap(core::Result<T> r)
{
    if (!r)
        throw core::ErrorException(r.error());
    return std::move(r).value();
}

std::vector<std::string> splitList(const std::string& text)
{
    std::vector<std::string> parts;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ',');)
        if (!part.empty())
            parts.push_back(part);
    return parts;
}

std::vector<std::string> readVocab(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        core::fail(core::ErrorCode::FileNotFound, "cannot open vocabulary", path);
    std::vector<std::string> tokens;
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        tokens.push_back(line);
    }
    if (tokens.empty())
        core::fail(core::ErrorCode::InvalidFile, "vocabulary is empty", path);
    return tokens;
}

core::EncodedDataset encode(const core::WordPieceTokenizer& tokenizer, const std::string& path,
                            const std::map<std::string, int>& label2id, int maxLength)
{
    core::DatasetOptions options;
    options.strict = true; // a training file with broken lines is a bug in its generator
    const core::Dataset ds = unwrap(core::loadDataset(path, options, &label2id));
    for (const auto& ex : ds.examples)
        if (ex.label < 0)
            core::fail(core::ErrorCode::InvalidFile, "example without a known label", path,
                       "line " + std::to_string(ex.line) + ", label '" + ex.labelText + "'");
    return core::encodeDataset(tokenizer, ds, maxLength);
}

std::string percent(double v)
{
    char text[16];
    std::snprintf(text, sizeof text, "%.2f%%", 100.0 * v);
    return text;
}

} // namespace

void addClassifyOptions(CLI::App& cmd, ClassifyOptions& o)
{
    auto& p = o.params;
    cmd.add_option("--train", o.trainPath, "training data (TSV/CSV/JSONL with a label column)")->required();
    cmd.add_option("--dev", o.dev, "dev set as NAME=FILE, scored after every epoch (repeatable)");
    cmd.add_option("--vocab", o.vocabPath, "word-level vocab.txt ([PAD] first, then [UNK], [CLS], [SEP])")->required();
    cmd.add_option("--out", o.outDir, "output folder: checkpoints/epoch-NN, model, training_log.json")->required();
    cmd.add_option("--labels", o.labels, "label names in id order, comma separated")->capture_default_str();
    cmd.add_option("--layers", o.nLayers, "encoder layers")->capture_default_str()->check(CLI::Range(1, 48));
    cmd.add_option("--heads", o.nHeads, "attention heads per layer")->capture_default_str()->check(CLI::Range(1, 64));
    cmd.add_option("--hidden", o.hidden, "hidden size")->capture_default_str()->check(CLI::Range(2, 4096));
    cmd.add_option("--intermediate", o.intermediate, "feed-forward size")->capture_default_str()->check(CLI::Range(1, 16384));
    cmd.add_option("--max-positions", o.maxPositions, "position embeddings (longest input)")->capture_default_str()->check(CLI::Range(8, 4096));
    cmd.add_option("--epochs", p.nEpochs, "epochs")->capture_default_str()->check(CLI::Range(1, 1000));
    cmd.add_option("--batch-size", p.batchSize, "examples per step")->capture_default_str()->check(CLI::Range(1, 65536));
    cmd.add_option("--lr", p.optimizer.learningRate, "peak learning rate (AdamW)")->capture_default_str()->check(CLI::PositiveNumber);
    cmd.add_option("--warmup", p.optimizer.warmupFraction, "warm-up fraction of all steps")->capture_default_str()->check(CLI::Range(0.0, 1.0));
    cmd.add_option("--weight-decay", p.optimizer.weightDecay, "AdamW weight decay")->capture_default_str()->check(CLI::Range(0.0, 1.0));
    cmd.add_option("--dropout", p.dropout, "dropout (hidden and attention)")->capture_default_str()->check(CLI::Range(0.0, 0.9));
    cmd.add_option("--init-std", p.initStd, "standard deviation of the initial weights")->capture_default_str()->check(CLI::PositiveNumber);
    cmd.add_option("--clip-norm", p.optimizer.clipNorm, "gradient-norm clipping, 0 = none")->capture_default_str()->check(CLI::NonNegativeNumber);
    cmd.add_option("--seed", p.seed, "seed of the weights, dropout and example order")->capture_default_str();
    cmd.add_option("--threads", p.nThreads, "LibTorch threads (fixed, so that runs reproduce)")->capture_default_str()->check(CLI::Range(1, 256));
    cmd.add_flag("--f32-checkpoints", o.f32Checkpoints, "write the per-epoch checkpoints in F32 instead of F16");
}

core::TrainingLog runClassify(const ClassifyOptions& o)
{
    const auto vocab = readVocab(o.vocabPath);
    core::TokenizerOptions tokOptions;
    tokOptions.doLowerCase = true;
    tokOptions.modelMaxLength = o.maxPositions;
    const auto tokenizer = unwrap(core::WordPieceTokenizer::fromVocabTxt(o.vocabPath, tokOptions));

    core::ModelConfig config = core::bertClassifierConfig({o.nLayers, o.nHeads, o.hidden, o.intermediate,
                                                            o.maxPositions, int(vocab.size()),
                                                            int(tokenizer.padId()), splitList(o.labels)});
    config.problemType = "single_label_classification";
    if (config.nLabels < 2)
        core::fail(core::ErrorCode::InvalidArgument, "--labels needs at least two names");
    if (o.hidden % o.nHeads != 0)
        core::fail(core::ErrorCode::InvalidArgument, "--hidden must be a multiple of --heads");

    core::ClassifierTrainingJob job;
    job.task = o.task;
    job.config = config;
    job.vocab = vocab;
    job.trainPath = o.trainPath;
    job.train = encode(tokenizer, o.trainPath, config.label2id, o.maxPositions);
    for (const auto& spec : o.dev) {
        const auto eq = spec.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
            core::fail(core::ErrorCode::InvalidArgument, "--dev takes NAME=FILE", {}, spec);
        const std::string path = spec.substr(eq + 1);
        job.dev.push_back({spec.substr(0, eq), path, encode(tokenizer, path, config.label2id, o.maxPositions)});
    }
    job.params = o.params;
    job.outDir = o.outDir;
    job.f16Checkpoints = !o.f32Checkpoints;

    TerminalProgress progress;
    progress.line("training " + std::to_string(o.nLayers) + " layers x " + std::to_string(o.nHeads) +
                  " heads, hidden " + std::to_string(o.hidden) + ", on " + std::to_string(job.train.size()) +
                  " examples for " + std::to_string(o.params.nEpochs) + " epochs, " +
                  std::to_string(o.params.nThreads) + " threads");
    auto log = core::trainClassifier(
        job, [&](int64_t done, int64_t total) { return progress.update(done, total); },
        [&](const core::EpochLog& e) {
            char text[128];
            std::snprintf(text, sizeof text, "epoch %2d  loss %.4f  %6.0fs ", e.epoch, e.trainLoss, e.elapsedSeconds);
            std::string msg = text;
            for (const auto& d : e.dev)
                msg += "  " + d.name + " " + percent(d.accuracy);
            progress.line(msg);
        });
    return unwrap(std::move(log));
}

} // namespace headscope::train
