#include "train/classifier_training.h"

#include "demo/demo_random.h"
#include "train/classifier_trainer.h"
#include "util/atomic_file.h"

#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <algorithm>
#include <numeric>

namespace headscope::core {

namespace {

double processCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return double(t.tv_sec) + 1e-6 * double(t.tv_usec); };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string epochDirName(int epoch)
{
    char name[32];
    std::snprintf(name, sizeof name, "epoch-%02d", epoch);
    return name;
}

// Random batches of similar length: the examples are shuffled, cut into pools of 50 batches,
// each pool sorted by length and cut into batches, and the batches shuffled. Less padding
// (about a quarter of the work on the demo data) at no cost to the randomness that matters.
std::vector<std::vector<size_t>> shuffledBatches(const EncodedDataset& data, int batchSize, DemoRandom& rng)
{
    std::vector<size_t> indices(data.size());
    std::iota(indices.begin(), indices.end(), size_t(0));
    rng.shuffle(indices);
    const size_t pool = size_t(batchSize) * 50;
    for (size_t begin = 0; begin < indices.size(); begin += pool) {
        const auto first = indices.begin() + long(begin);
        const auto last = indices.begin() + long(std::min(indices.size(), begin + pool));
        std::stable_sort(first, last, [&](size_t a, size_t b) {
            return data.examples[a].inputIds.size() < data.examples[b].inputIds.size();
        });
    }
    std::vector<std::vector<size_t>> batches;
    for (size_t begin = 0; begin < indices.size(); begin += size_t(batchSize))
        batches.emplace_back(indices.begin() + long(begin),
                             indices.begin() + long(std::min(indices.size(), begin + size_t(batchSize))));
    rng.shuffle(batches);
    return batches;
}

template <class T>
T unwrap(Result<T> r)
{
    if (!r)
        throw ErrorException(r.error());
    return std::move(r).value();
}

} // namespace

DevScore scoreLogits(const std::string& name, const EncodedDataset& data, const std::vector<std::vector<float>>& logits)
{
    DevScore score;
    score.name = name;
    double loss = 0.0;
    for (size_t i = 0; i < data.size() && i < logits.size(); ++i) {
        const int label = data.examples[i].label;
        const auto& row = logits[i];
        if (label < 0 || size_t(label) >= row.size())
            continue;
        size_t best = 0;
        double top = row[0];
        for (size_t c = 1; c < row.size(); ++c)
            if (row[c] > row[best])
                best = c;
        top = row[best];
        double z = 0.0;
        for (float v : row)
            z += std::exp(double(v) - top);
        loss += std::log(z) - (double(row[size_t(label)]) - top);
        ++score.n;
        score.nCorrect += int(best) == label;
    }
    if (score.n > 0) {
        score.accuracy = double(score.nCorrect) / double(score.n);
        score.meanLoss = loss / double(score.n);
    }
    return score;
}

Result<TrainingLog> trainClassifier(const ClassifierTrainingJob& job, const Progress& progress,
                                    const EpochCallback& epochDone)
{
    namespace fs = std::filesystem;
    return captureResult([&]() -> TrainingLog {
        const auto& p = job.params;
        if (job.train.size() == 0)
            fail(ErrorCode::InvalidArgument, "no training examples", job.trainPath);
        if (p.nEpochs < 1)
            fail(ErrorCode::InvalidArgument, "the number of epochs must be positive");
        const int64_t n = int64_t(job.train.size());
        const int64_t stepsPerEpoch = (n + p.batchSize - 1) / p.batchSize;
        const int64_t totalSteps = stepsPerEpoch * p.nEpochs;
        auto trainer = unwrap(ClassifierTrainer::create(job.config, p, totalSteps));

        TrainingLog log;
        log.task = job.task;
        log.config = job.config;
        log.params = p;
        // File names only: the log must not depend on where the data were generated.
        log.trainPath = fs::path(job.trainPath).filename().string();
        for (const auto& d : job.dev)
            log.devPaths.push_back(fs::path(d.path).filename().string());
        log.nTrain = n;
        log.nSteps = totalSteps;
        log.parameterCount = trainer->parameterCount();

        const auto start = std::chrono::steady_clock::now();
        const double cpuStart = processCpuSeconds();
        // The example order has its own stream, so that it does not depend on torch's generator.
        DemoRandom order(p.seed ^ 0x6a09e667f3bcc908ULL);
        for (int epoch = 1; epoch <= p.nEpochs; ++epoch) {
            const auto batches = shuffledBatches(job.train, p.batchSize, order);
            double lossSum = 0.0;
            for (int64_t s = 0; s < stepsPerEpoch; ++s) {
                lossSum += unwrap(trainer->step(job.train, batches[size_t(s)]));
                if (progress && !progress(trainer->stepsDone(), totalSteps))
                    fail(ErrorCode::Cancelled, "training cancelled");
            }
            EpochLog e;
            e.epoch = epoch;
            e.trainLoss = lossSum / double(stepsPerEpoch);
            e.learningRateEnd = trainer->learningRate();
            for (const auto& d : job.dev)
                e.dev.push_back(scoreLogits(d.name, d.data, unwrap(trainer->logits(d.data))));
            e.checkpointDir = (fs::path(job.outDir) / "checkpoints" / epochDirName(epoch)).string();
            unwrap(trainer->save(e.checkpointDir, job.vocab, job.f16Checkpoints));
            e.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            log.epochs.push_back(e);
            if (epochDone)
                epochDone(e);
        }
        log.finalModelDir = (fs::path(job.outDir) / "model").string();
        unwrap(trainer->save(log.finalModelDir, job.vocab, false));
        log.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        log.cpuSeconds = processCpuSeconds() - cpuStart;

        const std::string logPath = (fs::path(job.outDir) / "training_log.json").string();
        unwrap(writeFileAtomically(logPath, trainingLogToJson(log)));
        return log;
    });
}

std::string trainingLogToJson(const TrainingLog& log)
{
    using json = nlohmann::json;
    const auto& c = log.config;
    const auto& p = log.params;
    const auto& o = p.optimizer;
    json epochs = json::array();
    for (const auto& e : log.epochs) {
        json dev = json::object();
        for (const auto& d : e.dev)
            dev[d.name] = {{"accuracy", d.accuracy}, {"n", d.n}, {"n_correct", d.nCorrect}, {"mean_loss", d.meanLoss}};
        epochs.push_back({{"epoch", e.epoch},
                          {"train_loss", e.trainLoss},
                          {"learning_rate_end", e.learningRateEnd},
                          {"elapsed_seconds", e.elapsedSeconds},
                          {"dev", dev},
                          {"checkpoint", "checkpoints/" + epochDirName(e.epoch)}});
    }
    const json doc = {
        {"format", "headscope-training-log"},
        {"version", 1},
        {"task", log.task},
        {"model",
         {{"architecture", "BertForSequenceClassification"},
          {"layers", c.nLayers},
          {"heads", c.nHeads},
          {"hidden", c.hiddenSize},
          {"intermediate", c.intermediateSize},
          {"max_positions", c.maxPositionEmbeddings},
          {"vocab_size", c.vocabSize},
          {"labels", c.id2label},
          {"parameters", log.parameterCount}}},
        {"training",
         {{"epochs", p.nEpochs},
          {"batch_size", p.batchSize},
          {"steps", log.nSteps},
          {"optimizer", "adamw"},
          {"learning_rate", o.learningRate},
          {"warmup_fraction", o.warmupFraction},
          {"weight_decay", o.weightDecay},
          {"betas", {o.beta1, o.beta2}},
          {"epsilon", o.epsilon},
          {"clip_norm", o.clipNorm},
          {"dropout", p.dropout},
          {"init_std", p.initStd},
          {"seed", p.seed},
          {"threads", p.nThreads},
          {"train_examples", log.nTrain},
          {"train_file", log.trainPath},
          {"dev_files", log.devPaths}}},
        {"epochs", epochs},
        {"wall_seconds", log.wallSeconds},
        {"cpu_seconds", log.cpuSeconds},
        {"final_model", "model"},
    };
    return doc.dump(2) + "\n";
}

} // namespace headscope::core
