// Live numbers after a click (issue 11): (a) on a BERT-base-shaped classifier, clicks in layers
// 0, 6 and 11: time to the first estimate, to the change known within +-1 point (95%), and to
// the final number, with and without the layer-state cache; (b) the cache's memory per 1,000
// examples; (c) honesty: over random masks on the shared fixtures' real SST-2 model, how often
// the 95% interval after 10% of the examples holds the final change. Prints tables only.
//
//   build/bench/bench_streaming --examples 256 --masks 200
#include "bench_model_writer.h"
#include "bench_support.h"

#include "analysis/evaluator.h"
#include "analysis/layer_state_cache.h"
#include "analysis/streaming_order.h"
#include "model/encoder_model.h"
#include "util/process_setup.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

using namespace headscope;
using namespace headscope::bench;

namespace {

struct Options : CommonOptions
{
    Options() { sections = {"clicks", "honesty"}; }
    int examples = 256;
    int minLength = 16;
    int maxLength = 64;
    int batchSize = 32;
    double interactiveBatchMs = 80.0; // as the GUI's EvaluationController
    int masks = 200;
    uint64_t seed = 7;
};

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

core::EncodedDataset variableLengthData(int n, int minLen, int maxLen, int vocab, uint64_t seed)
{
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> len(minLen, maxLen);
    std::uniform_int_distribution<int64_t> word(kFirstWordId, vocab - 1);
    core::EncodedDataset d;
    for (int i = 0; i < n; ++i) {
        core::EncodedExample e;
        const int l = len(rng);
        e.inputIds.push_back(kClsId);
        for (int t = 0; t < l - 2; ++t)
            e.inputIds.push_back(word(rng));
        e.inputIds.push_back(kSepId);
        e.tokenTypeIds.assign(e.inputIds.size(), 0);
        e.label = int(rng() % 2);
        d.nTokens += int64_t(e.inputIds.size());
        d.examples.push_back(std::move(e));
    }
    return d;
}

struct ClickTiming
{
    double firstMs = -1, withinOnePointMs = -1, finalMs = -1;
    int64_t examplesAtOnePoint = 0;
    double finalDeltaPoints = 0;
};

ClickTiming timeClick(const core::EncoderModel& model, const core::EncodedDataset& data, core::EvalParams p)
{
    ClickTiming t;
    const auto t0 = Clock::now();
    auto r = core::evaluate(model, data, p, {}, [&](const core::EvalPartial& part) {
        if (t.firstMs < 0)
            t.firstMs = msSince(t0);
        if (t.withinOnePointMs < 0 && part.paired && part.deltaEstimate().width() <= 0.02) {
            t.withinOnePointMs = msSince(t0);
            t.examplesAtOnePoint = part.nDone;
        }
    });
    t.finalMs = msSince(t0);
    const auto res = valueOrThrow(std::move(r));
    t.finalDeltaPoints = 100.0 * res.last.deltaEstimate().value;
    return t;
}

void benchClicks(const Options& o)
{
    auto written = writeBenchModel(o.modelDir);
    if (!written)
        throw core::ErrorException(written.error());
    const auto model = loadModel(o.modelDir, core::Precision::Float32, o.threads);
    const auto data = variableLengthData(o.examples, o.minLength, o.maxLength, 30522, o.seed);
    std::printf("\n(a) %s: %d layers x %d heads, hidden %d; %d examples of %d..%d tokens; %d threads\n",
                o.modelDir.c_str(), model->nLayers(), model->nHeads(), model->config().hiddenSize, o.examples,
                o.minLength, o.maxLength, core::torchThreads());

    core::LayerStateCache cache(size_t(4) << 30);
    core::EvalParams base;
    base.batchSize = o.batchSize;
    base.order = core::BatchOrder::Streaming;
    base.layerCache = &cache;
    base.keepLogits = false;
    const auto t0 = Clock::now();
    const core::EvalResult baseline = valueOrThrow(core::evaluate(*model, data, base));
    const double baselineMs = msSince(t0);
    const auto stats = cache.stats();
    std::printf("baseline: %.0f ms (%.1f ms per example), accuracy %.4f; layer cache %.1f MB for %d examples "
                "(%d layers) = %.1f MB per 1,000 examples (fp32; bf16 halves it)\n",
                baselineMs, baselineMs / o.examples, baseline.accuracy, double(stats.bytes) / 1e6, o.examples,
                stats.layersHeld, double(stats.bytes) / 1e6 * 1000.0 / o.examples);

    // The GUI's interactive batch: the slowest batch (longest example) takes about 80 ms.
    const double msPerToken = baselineMs / double(data.nTokens);
    const int interactive = std::clamp(int(o.interactiveBatchMs / (msPerToken * o.maxLength)), 1, o.batchSize);
    core::EvalParams click = base;
    click.batchSize = interactive;
    click.orderBatchSize = o.batchSize;
    click.keepLogits = false;
    click.baselineCorrect = std::make_shared<const std::vector<uint8_t>>(baseline.correct);

    TextTable t({"click", "cache", "first estimate", "+-1 pt (95%)", "examples then", "final", "final vs full",
                 "change"});
    double fullMs = 0.0;
    for (int layer : {0, model->nLayers() / 2, model->nLayers() - 1}) {
        ClickTiming with, without;
        for (bool cached : {false, true}) {
            core::EvalParams p = click;
            p.mask = model->fullMask();
            p.mask.setKept(layer, 3, false);
            p.layerCache = cached ? &cache : nullptr;
            (cached ? with : without) = timeClick(*model, data, p);
            // Back to the baseline's states: the next click starts from the full mask's cache.
        }
        if (layer == 0)
            fullMs = without.finalMs;
        for (const auto* tm : {&without, &with}) {
            const bool cached = tm == &with;
            t.addRow({format("head (%d,3)", layer), cached ? "yes" : "no", format("%.0f ms", tm->firstMs),
                      tm->withinOnePointMs >= 0 ? format("%.0f ms", tm->withinOnePointMs) : "not reached",
                      tm->withinOnePointMs >= 0 ? std::to_string(tm->examplesAtOnePoint) : "-",
                      format("%.0f ms", tm->finalMs), format("%.2fx", fullMs / tm->finalMs),
                      format("%+.2f pts", tm->finalDeltaPoints)});
        }
    }
    t.print(format("clicks: interactive batch %d (order of batch %d), medians of one run each", interactive,
                   o.batchSize));
    std::printf("targets: first estimate <= 300 ms; +-1 pt <= 15 s; layer-11 final >= 5x faster than a full "
                "forward of every layer (the layer-0 click without cache)\n");
}

void benchHonesty(const Options& o)
{
    const auto fixture = loadRealFixture(o.fixturesDir, o.threads);
    if (!fixture) {
        std::printf("\n(c) honesty: skipped, %s not found\n", realFixtureModelDir(o.fixturesDir).c_str());
        return;
    }
    const auto& model = *fixture->model;
    const auto& data = fixture->data;
    core::LayerStateCache cache(size_t(1) << 30);
    core::EvalParams base;
    base.batchSize = o.batchSize;
    base.order = core::BatchOrder::Streaming;
    base.layerCache = &cache;
    base.keepLogits = false;
    const core::EvalResult baseline = valueOrThrow(core::evaluate(model, data, base));
    const auto correct = std::make_shared<const std::vector<uint8_t>>(baseline.correct);

    std::mt19937_64 rng(o.seed);
    const int nHeads = model.nLayers() * model.nHeads();
    const int64_t tenth = int64_t(data.size()) / 10;
    int covered = 0, changed = 0, coveredChanged = 0;
    double widthSum = 0.0;
    const auto t0 = Clock::now();
    for (int m = 0; m < o.masks; ++m) {
        core::EvalParams p = base;
        p.baselineCorrect = correct;
        p.orderSeed = rng(); // a different random order for every mask: coverage over orders too
        p.mask = model.fullMask();
        const int k = 1 + int(rng() % uint64_t(nHeads / 2));
        std::vector<int> ids(static_cast<size_t>(nHeads));
        for (int i = 0; i < nHeads; ++i)
            ids[size_t(i)] = i;
        for (int i = 0; i < k; ++i) {
            std::swap(ids[size_t(i)], ids[size_t(i) + size_t(rng() % uint64_t(nHeads - i))]);
            p.mask.setKept(ids[size_t(i)] / model.nHeads(), ids[size_t(i)] % model.nHeads(), false);
        }
        core::StreamingEstimate atTenth;
        bool seen = false;
        auto r = valueOrThrow(core::evaluate(model, data, p, {}, [&](const core::EvalPartial& part) {
            if (!seen && part.nLabelled >= tenth) {
                atTenth = part.deltaEstimate();
                seen = true;
            }
        }));
        const double finalDelta = r.last.deltaEstimate().value;
        const bool in = atTenth.interval.low <= finalDelta + 1e-12 && finalDelta <= atTenth.interval.high + 1e-12;
        covered += in ? 1 : 0;
        widthSum += atTenth.width();
        if (r.last.nBaselineOnly + r.last.nCurrentOnly > 0) {
            ++changed;
            coveredChanged += in ? 1 : 0;
        }
    }
    TextTable t({"masks", "interval holds the final change", "of masks that changed predictions",
                 "mean 95% width at 10%", "examples at 10%", "seconds"});
    t.addRow({std::to_string(o.masks), format("%d (%.1f%%)", covered, 100.0 * covered / o.masks),
              format("%d of %d (%.1f%%)", coveredChanged, changed, changed ? 100.0 * coveredChanged / changed : 0.0),
              format("%.2f pts", 100.0 * widthSum / o.masks), std::to_string(tenth),
              format("%.0f", std::chrono::duration<double>(Clock::now() - t0).count())});
    std::printf("\n");
    t.print(format("(c) honesty on %s (%zu examples, baseline %.4f): random masks of 1..%d heads, a new "
                   "streaming order per mask; target >= 93%%",
                   fixture->modelDir.c_str(), data.size(), baseline.accuracy, nHeads / 2));
}

int run(const Options& o)
{
    core::setTorchThreads(o.threads);
    std::printf("HeadScope bench_streaming: %s, %d LibTorch threads, load average (1 min) at start %.2f\n",
                cpuModel().c_str(), core::torchThreads(), loadAverage1());
    if (o.sections.count("clicks"))
        benchClicks(o);
    if (o.sections.count("honesty"))
        benchHonesty(o);
    std::printf("\nload average (1 min) at the end %.2f\n", loadAverage1());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    core::ensurePassiveOpenMpWait(argc, argv);
    Options o;
    CLI::App app{"HeadScope live-number bench (plain-text tables on stdout)"};
    addCommonOptions(app, o);
    app.add_option("--examples", o.examples, "examples of the click bench")->capture_default_str();
    app.add_option("--min-length", o.minLength, "shortest example (tokens)")->capture_default_str();
    app.add_option("--max-length", o.maxLength, "longest example (tokens)")->capture_default_str();
    app.add_option("--batch-size", o.batchSize, "engine batch size (the order's)")->capture_default_str();
    app.add_option("--masks", o.masks, "random masks of the honesty bench")->capture_default_str();
    app.add_option("--seed", o.seed, "seed of the data and the masks")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    return runReportingErrors([&] { return run(o); });
}
