// Speed of the analyses on a BERT-base-shaped classifier: (a) single-head ablation sweep, fast
// path vs naive loop; (b) one importance pass vs one evaluation pass; (c) the latency lab with
// half of the heads pruned at random. Prints plain-text tables; judges nothing.
#include "bench_model_writer.h"
#include "bench_support.h"

#include "analysis/ablation.h"
#include "analysis/evaluator.h"
#include "analysis/importance.h"
#include "analysis/latency.h"
#include "model/encoder_model.h"
#include "util/process_setup.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace headscope;
using namespace headscope::bench;

namespace {

struct Options : CommonOptions
{
    Options() { sections = {"ablation", "importance", "latency"}; }
    int ablationExamples = 16;
    int ablationBatch = 16;
    int variantsPerForward = 8; // AblationParams' default
    int importanceExamples = 64;
    int latencyRuns = 5;
    int prunedHeads = 72;
    uint64_t seed = 42;
    std::string batchSizes = "1,4,16,64";
};


double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// `count` distinct heads chosen uniformly with a seeded partial Fisher-Yates (the same on every
// platform, unlike std::shuffle), masked in a full mask.
core::HeadMask randomPruneMask(int nLayers, int nHeads, int count, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::vector<int> ids(size_t(nLayers * nHeads));
    for (size_t i = 0; i < ids.size(); ++i)
        ids[i] = int(i);
    core::HeadMask mask(nLayers, nHeads, true);
    for (int i = 0; i < count; ++i) {
        const size_t j = size_t(i) + size_t(rng() % (ids.size() - size_t(i)));
        std::swap(ids[size_t(i)], ids[j]);
        mask.setKept(ids[size_t(i)] / nHeads, ids[size_t(i)] % nHeads, false);
    }
    return mask;
}

struct AblationTiming
{
    core::AblationResult result;
    double cpuSeconds = 0.0;
};

AblationTiming timedAblation(const core::EncoderModel& model, const core::EncodedDataset& data, int batchSize,
                             bool fastPath, int variantsPerForward)
{
    core::AblationParams p;
    p.batchSize = batchSize;
    p.fastPath = fastPath;
    p.variantsPerForward = variantsPerForward;
    const double cpu0 = processCpuSeconds();
    AblationTiming t;
    t.result = valueOrThrow(core::runAblation(model, data, p));
    t.cpuSeconds = processCpuSeconds() - cpu0;
    return t;
}

// Runs the naive loop, then the fast path, and compares their results exactly. CPU seconds are
// reported next to wall seconds: on a shared machine they move less with other processes' load.
void ablationRows(TextTable& t, const std::string& name, const core::EncoderModel& model,
                  const core::EncodedDataset& data, int batchSize, int variantsPerForward)
{
    const auto naive = timedAblation(model, data, batchSize, false, variantsPerForward);
    const auto fast = timedAblation(model, data, batchSize, true, variantsPerForward);
    int64_t cells = 0, sameCells = 0, examplesDiffer = 0, flipped = 0;
    for (int l = 0; l < model.nLayers(); ++l)
        for (int h = 0; h < model.nHeads(); ++h) {
            const auto& a = fast.result.correct[size_t(l)][size_t(h)];
            const auto& b = naive.result.correct[size_t(l)][size_t(h)];
            if (a.empty())
                continue;
            ++cells;
            const size_t L = size_t(l), H = size_t(h);
            sameCells += fast.result.accuracy[L][H] == naive.result.accuracy[L][H] &&
                                 fast.result.pTTest[L][H] == naive.result.pTTest[L][H] &&
                                 fast.result.pMcNemar[L][H] == naive.result.pMcNemar[L][H]
                             ? 1
                             : 0;
            for (size_t i = 0; i < a.size(); ++i) {
                examplesDiffer += a[i] != b[i] ? 1 : 0;
                flipped += a[i] != naive.result.baselineCorrect[i] ? 1 : 0;
            }
        }
    const double work = double(cells) * double(data.size());
    t.addRow({name + ", naive loop", std::to_string(data.size()), format("%.1f", naive.result.seconds),
              format("%.1f", naive.cpuSeconds), format("%.1f", work / naive.result.seconds), "1.00x", "1.00x", "-"});
    t.addRow({name + ", fast path", std::to_string(data.size()), format("%.1f", fast.result.seconds),
              format("%.1f", fast.cpuSeconds), format("%.1f", work / fast.result.seconds),
              format("%.2fx", naive.result.seconds / fast.result.seconds),
              format("%.2fx", naive.cpuSeconds / fast.cpuSeconds),
              format("%lld/%lld heads, %lld diffs, %lld flips", static_cast<long long>(sameCells),
                     static_cast<long long>(cells), static_cast<long long>(examplesDiffer),
                     static_cast<long long>(flipped))});
}

void benchAblation(const core::EncoderModel& model, const Options& o)
{
    TextTable t({"model / data", "examples", "wall s", "cpu s", "examples x heads / s", "speed-up wall",
                 "speed-up cpu", "identical (heads equal, per-example diffs, masking flips)"});
    ablationRows(t, format("BERT-base random, %d tokens", o.seqLength), model,
                 randomDataset(o.ablationExamples, o.seqLength, model.config().vocabSize, 21), o.ablationBatch,
                 o.variantsPerForward);
    if (const auto real = loadRealFixture(o.fixturesDir, o.threads))
        ablationRows(t, "sst2_small (2x12) on sst2_dev.tsv", *real->model, real->data, 32, o.variantsPerForward);
    t.print(format("(a) single-head ablation sweep, naive loop (one full forward per head) vs fast path (layer "
                   "reuse, %d variants per forward); BERT-base batch %d, %s, %d threads",
                   o.variantsPerForward, o.ablationBatch, core::precisionName(model.precision()), core::torchThreads()));
    std::printf("'flips': (head, example) pairs whose correctness masking the head changed; a random model "
                "rarely flips any, so the real model's row is the stronger identity check\n");
}

void importanceRow(TextTable& t, const std::string& name, const core::EncoderModel& model,
                   const core::EncodedDataset& data)
{
    core::EvalParams ep;
    ep.keepLogits = false;
    valueOrThrow(core::evaluate(model, randomDataset(2, 16, model.config().vocabSize, 5), ep)); // warm-up
    auto t0 = std::chrono::steady_clock::now();
    double cpu0 = processCpuSeconds();
    valueOrThrow(core::evaluate(model, data, ep));
    const double evalSeconds = secondsSince(t0), evalCpu = processCpuSeconds() - cpu0;
    double seconds[2] = {0, 0}, cpu[2] = {0, 0};
    int i = 0;
    for (auto method : {core::ImportanceMethod::MaskGradient, core::ImportanceMethod::PaperCode}) {
        core::ImportanceParams ip;
        ip.method = method;
        t0 = std::chrono::steady_clock::now();
        cpu0 = processCpuSeconds();
        valueOrThrow(core::computeImportance(model, data, ip));
        seconds[i] = secondsSince(t0);
        cpu[i++] = processCpuSeconds() - cpu0;
    }
    t.addRow({name, std::to_string(data.size()), format("%.2f / %.2f", evalSeconds, evalCpu),
              format("%.2f / %.2f", seconds[0], cpu[0]),
              format("%.2fx / %.2fx", seconds[0] / evalSeconds, cpu[0] / evalCpu),
              format("%.2f / %.2f", seconds[1], cpu[1]),
              format("%.2fx / %.2fx", seconds[1] / evalSeconds, cpu[1] / evalCpu)});
}

void benchImportance(const core::EncoderModel& model, const Options& o)
{
    TextTable t({"model / data", "examples", "eval s (wall / cpu)", "mask-gradient s", "ratio (wall / cpu)",
                 "paper-code s", "ratio (wall / cpu)"});
    importanceRow(t, format("BERT-base random, %d random tokens", o.seqLength), model,
                  randomDataset(o.importanceExamples, o.seqLength, model.config().vocabSize, 31));
    if (const auto real = loadRealFixture(o.fixturesDir, o.threads))
        importanceRow(t, "sst2_small on sst2_dev.tsv", *real->model, real->data);
    t.print("(b) one importance pass vs one evaluation pass (batch 32, wall time of the calls)");
}

void benchLatency(const core::EncoderModel& model, const Options& o)
{
    core::LatencyParams p;
    p.batchSizes.clear();
    std::stringstream s(o.batchSizes);
    for (std::string item; std::getline(s, item, ',');)
        p.batchSizes.push_back(std::stoi(item));
    p.seqLengths = {o.seqLength};
    p.warmupRuns = 1;
    p.timedRuns = o.latencyRuns;
    p.mask = randomPruneMask(model.nLayers(), model.nHeads(), o.prunedHeads, o.seed);
    const auto r = valueOrThrow(core::measureLatency(model, p));
    const double ideal = core::forwardFlops(model, {}, o.seqLength) / core::forwardFlops(model, p.mask, o.seqLength);

    // Michel et al. (2019), Table 4: BERT, 50% of heads pruned, speed-up at batch 1, 4, 16, 64.
    const std::map<int, std::string> paper{{1, "+1.9%"}, {4, "+2.7%"}, {16, "+17.5%"}, {64, "+17.5%"}};
    TextTable t({"batch", "original ms", "IQR", "masked ms", "pruned ms", "IQR", "masked x", "pruned x",
                 "pruned / ideal", "gain / ideal gain", "paper"});
    for (int bs : p.batchSizes) {
        const core::LatencyMeasurement* m[3] = {nullptr, nullptr, nullptr};
        for (const auto& x : r.measurements)
            if (x.batchSize == bs)
                m[x.variant == "original" ? 0 : x.variant == "masked" ? 1 : 2] = &x;
        if (!m[0] || !m[1] || !m[2])
            continue;
        const double sp = m[0]->medianMs / m[2]->medianMs;
        t.addRow({std::to_string(bs), format("%.1f", m[0]->medianMs), format("%.1f", m[0]->q3Ms - m[0]->q1Ms),
                  format("%.1f", m[1]->medianMs), format("%.1f", m[2]->medianMs), format("%.1f", m[2]->q3Ms - m[2]->q1Ms),
                  format("%.3f", m[0]->medianMs / m[1]->medianMs), format("%.3f", sp),
                  format("%.1f%%", 100.0 * sp / ideal), format("%.0f%%", 100.0 * (sp - 1.0) / (ideal - 1.0)),
                  paper.count(bs) ? paper.at(bs) : "-"});
    }
    t.print(format("(c) latency lab: %d of %d heads pruned at random (std::mt19937_64 seed %llu), seq %d, "
                   "1 warm-up + %d timed runs, medians",
                   o.prunedHeads, model.nLayers() * model.nHeads(), static_cast<unsigned long long>(o.seed),
                   o.seqLength, o.latencyRuns));
    std::printf("FLOP ideal speed-up (forwardFlops original / pruned) %.4fx; parameters original %lld, "
                "pruned %lld\n",
                ideal, static_cast<long long>(r.measurements.front().nParameters),
                static_cast<long long>(r.measurements.back().nParameters));
    std::printf("pruned heads per layer:");
    for (const auto& row : p.mask.maskedPerLayer())
        std::printf(" %zu", row.size());
    std::printf("\n");
}

int run(const Options& o)
{
    core::setTorchThreads(o.threads);
    auto written = writeBenchModel(o.modelDir);
    if (!written)
        throw core::ErrorException(written.error());
    core::LoadOptions lo;
    lo.nThreads = o.threads;
    const auto model = valueOrThrow(core::EncoderModel::load(o.modelDir, lo));
    std::printf("HeadScope bench_analysis: %s, %s, %d LibTorch threads, load average (1 min) at start %.2f\n",
                o.modelDir.c_str(), cpuModel().c_str(), core::torchThreads(), loadAverage1());
    if (o.sections.count("ablation"))
        benchAblation(*model, o);
    if (o.sections.count("importance"))
        benchImportance(*model, o);
    if (o.sections.count("latency"))
        benchLatency(*model, o);
    std::printf("\nload average (1 min) at the end %.2f\n", loadAverage1());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    // As headscope-cli does: passive OpenMP waiting (re-executes once with OMP_WAIT_POLICY set).
    core::ensurePassiveOpenMpWait(argc, argv);
    Options o;
    CLI::App app{"HeadScope analysis bench (plain-text tables on stdout)"};
    addCommonOptions(app, o);
    app.add_option("--ablation-examples", o.ablationExamples, "random examples for the ablation sweep");
    app.add_option("--ablation-batch", o.ablationBatch, "batch size of the ablation sweep");
    app.add_option("--variants-per-forward", o.variantsPerForward, "fast path: mask variants per batched forward");
    app.add_option("--importance-examples", o.importanceExamples, "random examples for importance vs eval");
    app.add_option("--latency-runs", o.latencyRuns, "timed runs per variant and batch size");
    app.add_option("--batch-sizes", o.batchSizes, "latency lab batch sizes");
    app.add_option("--pruned-heads", o.prunedHeads, "heads pruned at random in the latency lab");
    app.add_option("--seed", o.seed, "seed of the random pruning mask");
    CLI11_PARSE(app, argc, argv);
    return runReportingErrors([&] { return run(o); });
}
