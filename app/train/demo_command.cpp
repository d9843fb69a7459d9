#include "demo_command.h"

#include "util/atomic_file.h"
#include "util/error.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

namespace headscope::train {

namespace {

int64_t folderBytes(const std::filesystem::path& dir)
{
    int64_t total = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            total += int64_t(entry.file_size());
    return total;
}

} // namespace

void addDemoOptions(CLI::App& cmd, DemoOptions& o, const std::string&)
{
    auto& c = o.classify;
    auto& p = c.params;
    cmd.add_option("--out", o.outDir, "demo folder: model, checkpoints, data, training_log.json, manifest.json")
        ->capture_default_str();
    cmd.add_option("--data-seed", o.data.seed, "seed of the generated data")->capture_default_str();
    cmd.add_option("--train-per-domain", o.data.nTrainPerDomain, "training pairs per domain")->capture_default_str();
    cmd.add_option("--dev-per-domain", o.data.nDevPerDomain, "dev pairs per domain")->capture_default_str();
    cmd.add_option("--layers", c.nLayers, "encoder layers")->capture_default_str();
    cmd.add_option("--heads", c.nHeads, "heads per layer")->capture_default_str();
    cmd.add_option("--hidden", c.hidden, "hidden size")->capture_default_str();
    cmd.add_option("--intermediate", c.intermediate, "feed-forward size")->capture_default_str();
    cmd.add_option("--epochs", p.nEpochs, "epochs")->capture_default_str();
    cmd.add_option("--batch-size", p.batchSize, "examples per step")->capture_default_str();
    cmd.add_option("--lr", p.optimizer.learningRate, "peak learning rate")->capture_default_str();
    cmd.add_option("--warmup", p.optimizer.warmupFraction, "warm-up fraction")->capture_default_str();
    cmd.add_option("--dropout", p.dropout, "dropout")->capture_default_str();
    cmd.add_option("--init-std", p.initStd, "standard deviation of the initial weights")->capture_default_str();
    cmd.add_option("--seed", p.seed, "training seed")->capture_default_str();
    cmd.add_option("--threads", p.nThreads, "LibTorch threads")->capture_default_str();
    cmd.add_flag("--keep-train", o.keepTrain, "keep data/train.tsv");
}

void runDemo(DemoOptions o, const std::string& commandLine)
{
    namespace fs = std::filesystem;
    const fs::path out(o.outDir);
    const fs::path data = out / "data";
    // A previous run's checkpoints of other epochs must not survive into the new series.
    std::error_code ec;
    fs::remove_all(out / "checkpoints", ec);
    fs::remove_all(out / "model", ec);

    o.data.task = "classification";
    o.data.outDir = data.string();
    const BowResult bow = runGenerate(o.data);

    auto& c = o.classify;
    c.task = "demo-nli: premise/hypothesis pairs, two domains (animals = matched, people = mismatched)";
    c.trainPath = (data / "train.tsv").string();
    c.dev = {"dev_matched=" + (data / "dev_matched.tsv").string(),
             "dev_mismatched=" + (data / "dev_mismatched.tsv").string()};
    c.vocabPath = (data / "vocab.txt").string();
    c.outDir = out.string();
    const core::TrainingLog log = runClassify(c);
    if (!o.keepTrain)
        fs::remove(data / "train.tsv", ec);

    using json = nlohmann::json;
    const auto& last = log.epochs.back();
    json accuracies = json::object();
    for (const auto& d : last.dev)
        accuracies[d.name] = d.accuracy;
    json epochs = json::array();
    for (const auto& e : log.epochs) {
        json row = {{"epoch", e.epoch}};
        for (const auto& d : e.dev)
            row[d.name] = d.accuracy;
        epochs.push_back(row);
    }
    json manifest = {
        {"format", "headscope-demo"},
        {"version", 1},
        {"task", "classification"},
        {"description",
         "Three-way entailment (entailment / neutral / contradiction) between a premise and a hypothesis "
         "generated from HeadScope's own grammar (docs/demo.md). Two domains with the same grammar and no "
         "content word in common: animals (dev_matched) and people (dev_mismatched); training uses both."},
        {"regenerate", commandLine},
        {"model", {{"path", "model"},
                   {"architecture", "BertForSequenceClassification"},
                   {"layers", c.nLayers},
                   {"heads", c.nHeads},
                   {"hidden", c.hidden},
                   {"intermediate", c.intermediate},
                   {"max_positions", c.maxPositions},
                   {"vocab_size", log.config.vocabSize},
                   {"parameters", log.parameterCount},
                   {"labels", log.config.id2label}}},
        {"checkpoints", {{"path", "checkpoints"}, {"epochs", log.epochs.size()}, {"dtype", c.f32Checkpoints ? "F32" : "F16"}}},
        {"data",
         {{"seed", o.data.seed},
          {"train_per_domain", o.data.nTrainPerDomain},
          {"dev_per_domain", o.data.nDevPerDomain},
          {"dev_matched", "data/dev_matched.tsv"},
          {"dev_mismatched", "data/dev_mismatched.tsv"},
          {"vocab", "data/vocab.txt"},
          {"train_file_shipped", o.keepTrain}}},
        {"training",
         {{"seed", c.params.seed},
          {"threads", c.params.nThreads},
          {"epochs", c.params.nEpochs},
          {"batch_size", c.params.batchSize},
          {"learning_rate", c.params.optimizer.learningRate},
          {"warmup_fraction", c.params.optimizer.warmupFraction},
          {"dropout", c.params.dropout},
          {"init_std", c.params.initStd},
          {"wall_seconds", log.wallSeconds},
          {"cpu_seconds", log.cpuSeconds},
          {"log", "training_log.json"}}},
        {"accuracy", accuracies},
        {"accuracy_per_epoch", epochs},
        {"bag_of_words_baseline",
         {{"train", bow.trainAccuracy}, {"dev_matched", bow.devMatched}, {"dev_mismatched", bow.devMismatched}}},
    };
    const fs::path manifestPath = out / "manifest.json";
    const auto written = core::writeFileAtomically(manifestPath.string(), manifest.dump(2) + "\n");
    if (!written)
        throw core::ErrorException(written.error());
    std::fprintf(stderr, "demo written to %s (%.1f MB)\n", out.string().c_str(), double(folderBytes(out)) / 1e6);
}

} // namespace headscope::train
