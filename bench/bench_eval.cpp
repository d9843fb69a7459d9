// Evaluation speed and memory of a BERT-base-shaped classifier: throughput at batch 1 and 32
// (fp32, bf16), the share of the machine's matmul rate the forward reaches, bf16 agreement,
// load time and resident memory. Prints plain-text tables; judges nothing.
#include "bench_model_writer.h"
#include "bench_support.h"

#include "analysis/evaluator.h"
#include "analysis/latency.h"
#include "model/encoder_model.h"
#include "util/process_setup.h"
#include "model/speed_check.h"

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace headscope;
using namespace headscope::bench;

namespace {

struct Options : CommonOptions
{
    Options() { sections = {"machine", "load", "throughput", "agreement"}; }
    int runsBatch1 = 20; // batch sizes below 8
    int runsBatch32 = 4; // batch sizes of 8 and more
    int agreementExamples = 64;
    std::string logitsOut;
    std::vector<int> batchSizes{1, 32};
    std::vector<std::string> precisions{"fp32", "bf16"};
};

struct MatmulRate
{
    double bestGflops = 0.0;
    double medianGflops = 0.0;
    double gflopsPerCpuSecond = 0.0; // median; robust to other processes on the cores
};

// Square n x n x n matmul: 2 n^3 FLOP per product; warm-up, then best and median of several.
MatmulRate matmulRate(int n, torch::ScalarType dtype, int runs)
{
    c10::InferenceMode guard;
    auto a = torch::randn({n, n}).to(dtype);
    auto b = torch::randn({n, n}).to(dtype);
    auto c = torch::mm(a, b);
    std::vector<double> rates, cpuRates;
    const double flop = 2.0 * double(n) * n * n;
    for (int r = 0; r < runs; ++r) {
        const double cpu0 = processCpuSeconds();
        const auto t0 = std::chrono::steady_clock::now();
        c = torch::mm(a, b);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        rates.push_back(flop / s / 1e9);
        cpuRates.push_back(flop / std::max(1e-9, processCpuSeconds() - cpu0) / 1e9);
    }
    return {maxOf(rates), medianOf(rates), medianOf(cpuRates)};
}

struct Throughput
{
    double medianSeconds = 0.0; // per batch, forward only
    double minSeconds = 0.0, maxSeconds = 0.0;
    double medianCpuSeconds = 0.0; // all threads: robust to other processes on the cores
    double examplesPerSecond = 0.0;
};

// Median forward time of one batch of `batchSize` fixed-length examples, through evaluate().
Throughput throughput(const core::EncoderModel& model, int batchSize, int seqLength, int runs)
{
    const auto data = randomDataset(batchSize, seqLength, model.config().vocabSize, 100 + uint64_t(batchSize));
    core::EvalParams p;
    p.batchSize = batchSize;
    p.keepLogits = false;
    const int warmup = batchSize > 4 ? 1 : 3;
    std::vector<double> seconds, cpuSeconds;
    for (int r = 0; r < warmup + runs; ++r) {
        const double cpu0 = processCpuSeconds();
        auto res = core::evaluate(model, data, p);
        const double cpu = processCpuSeconds() - cpu0;
        if (!res)
            throw core::ErrorException(res.error());
        if (r >= warmup) {
            seconds.push_back(res->totalSeconds);
            cpuSeconds.push_back(cpu);
        }
    }
    Throughput t;
    t.medianSeconds = medianOf(seconds);
    t.medianCpuSeconds = medianOf(cpuSeconds);
    t.minSeconds = minOf(seconds);
    t.maxSeconds = maxOf(seconds);
    t.examplesPerSecond = batchSize / t.medianSeconds;
    return t;
}

struct Agreement
{
    int64_t n = 0;
    int64_t same = 0;
    double maxLogitDiff = 0.0;
    double accuracyFp32 = 0.0, accuracyBf16 = 0.0;
};

Agreement agreement(const core::EncoderModel& fp32, const core::EncoderModel& bf16, const core::EncodedDataset& data)
{
    core::EvalParams p;
    auto a = core::evaluate(fp32, data, p);
    auto b = core::evaluate(bf16, data, p);
    if (!a)
        throw core::ErrorException(a.error());
    if (!b)
        throw core::ErrorException(b.error());
    Agreement g;
    g.n = int64_t(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
        g.same += a->predictions[i] == b->predictions[i] ? 1 : 0;
        for (size_t c = 0; c < a->logits[i].size(); ++c)
            g.maxLogitDiff = std::max(g.maxLogitDiff, double(std::abs(a->logits[i][c] - b->logits[i][c])));
    }
    g.accuracyFp32 = a->accuracy;
    g.accuracyBf16 = b->accuracy;
    return g;
}

void writeLogits(const core::EncoderModel& model, const std::string& path, int seqLength)
{
    const auto data = fixedDataset(4, seqLength, model.config().vocabSize);
    core::EvalParams p;
    p.order = core::BatchOrder::FileOrder;
    auto r = core::evaluate(model, data, p);
    if (!r)
        throw core::ErrorException(r.error());
    std::ofstream out(path);
    for (const auto& row : r->logits) {
        for (size_t c = 0; c < row.size(); ++c)
            out << (c ? " " : "") << format("%.9g", double(row[c]));
        out << "\n";
    }
    if (!out)
        core::fail(core::ErrorCode::Runtime, "cannot write the logits file", path);
    std::printf("\nlogits of the fixed input (4 x %d, fp32) written to %s\n", seqLength, path.c_str());
}

int run(const Options& o)
{
    core::setTorchThreads(o.threads);
    const int threads = core::torchThreads();
    auto written = writeBenchModel(o.modelDir);
    if (!written)
        throw core::ErrorException(written.error());
    const auto has = [&](const char* s) { return o.sections.count(s) > 0; };

    std::printf("HeadScope bench_eval: BERT-base-shaped random classifier in %s%s\n", o.modelDir.c_str(),
                written->reused ? " (reused)" : " (written now)");
    std::printf("machine: %s, %d usable cores, %d LibTorch threads, load average (1 min) at start %.2f\n",
                cpuModel().c_str(), usableCores(), threads, loadAverage1());

    MatmulRate fp32Rate, bf16Rate;
    if (has("machine")) {
        const auto check = core::runSpeedCheck();
        fp32Rate = matmulRate(2048, torch::kFloat32, 7);
        bf16Rate = matmulRate(2048, torch::kBFloat16, 7);
        TextTable t({"matmul", "best GFLOP/s", "median GFLOP/s", "GFLOP/cpu-s"});
        t.addRow({"fp32 512^3 (start-up self-check)", format("%.1f", check.gflops), "-", "-"});
        t.addRow({"fp32 2048^3", format("%.1f", fp32Rate.bestGflops), format("%.1f", fp32Rate.medianGflops),
                  format("%.1f", fp32Rate.gflopsPerCpuSecond)});
        t.addRow({"bf16 2048^3", format("%.1f", bf16Rate.bestGflops), format("%.1f", bf16Rate.medianGflops),
                  format("%.1f", bf16Rate.gflopsPerCpuSecond)});
        t.print("machine matmul rate (BLAS: " + (check.blasLibrary.empty() ? std::string("unknown") : check.blasLibrary) + ")");
    }

    // Loading first, so that the resident-set growth is the model's and not the benches'.
    const int64_t rssBefore = procStatusKiB("VmRSS");
    const int64_t anonBefore = procStatusKiB("RssAnon"), fileBefore = procStatusKiB("RssFile");
    const auto fp32 = loadModel(o.modelDir, core::Precision::Float32, o.threads);
    const int64_t rssAfter = procStatusKiB("VmRSS");
    const int64_t anonAfter = procStatusKiB("RssAnon"), fileAfter = procStatusKiB("RssFile");
    if (has("load")) {
        // The weights are mapped, not read: pages become resident when a forward first touches them.
        core::EvalParams one;
        one.keepLogits = false;
        auto warm = core::evaluate(*fp32, randomDataset(1, o.seqLength, fp32->config().vocabSize, 3), one);
        if (!warm)
            throw core::ErrorException(warm.error());
        const int64_t rssForward = procStatusKiB("VmRSS");
        const double weightMiB = double(fp32->weightBytes()) / (1024.0 * 1024.0);
        const double growMiB = double(rssAfter - rssBefore) / 1024.0;
        TextTable t({"figure", "value"});
        t.addRow({"parameters", format("%lld", static_cast<long long>(fp32->parameterCount()))});
        t.addRow({"fp32 weight size", format("%.1f MiB", weightMiB)});
        t.addRow({"load time (EncoderModel::load, fp32)", format("%.2f s", fp32->loadSeconds())});
        t.addRow({"VmRSS before load", format("%.1f MiB", rssBefore / 1024.0)});
        t.addRow({"VmRSS after load", format("%.1f MiB", rssAfter / 1024.0)});
        t.addRow({"  growth, anonymous (copies)", format("%+.1f MiB", (anonAfter - anonBefore) / 1024.0)});
        t.addRow({"  growth, file-backed (mapped weights)", format("%+.1f MiB", (fileAfter - fileBefore) / 1024.0)});
        t.addRow({"VmRSS growth / fp32 weight size, after load", format("%.2fx", growMiB / weightMiB)});
        t.addRow({"VmRSS after a first forward (batch 1)", format("%.1f MiB", rssForward / 1024.0)});
        t.addRow({"  growth, anonymous", format("%+.1f MiB", (procStatusKiB("RssAnon") - anonBefore) / 1024.0)});
        t.addRow({"  growth, file-backed", format("%+.1f MiB", (procStatusKiB("RssFile") - fileBefore) / 1024.0)});
        t.addRow({"VmRSS growth / fp32 weight size, after a forward",
                  format("%.2fx", double(rssForward - rssBefore) / 1024.0 / weightMiB)});
        t.print("loading (fp32)");
    }

    if (!o.logitsOut.empty())
        writeLogits(*fp32, o.logitsOut, o.seqLength);

    std::shared_ptr<const core::EncoderModel> bf16;
    const bool wantBf16 = std::find(o.precisions.begin(), o.precisions.end(), "bf16") != o.precisions.end();
    if ((has("throughput") && wantBf16) || has("agreement")) {
        auto b = fp32->to("cpu", core::Precision::BFloat16);
        if (!b)
            throw core::ErrorException(b.error());
        bf16 = b.value();
    }

    if (has("throughput")) {
        const double flopsPerExample = core::forwardFlops(*fp32, {}, o.seqLength);
        TextTable t({"precision", "batch", "runs", "median ms/batch", "min", "max", "cpu ms", "examples/s", "GFLOP/s",
                     "share of best matmul", "GFLOP/cpu-s", "share of matmul per cpu-s"});
        std::map<std::pair<std::string, int>, double> eps;
        for (const auto& name : o.precisions) {
            const bool isBf16 = name == "bf16";
            const auto& m = isBf16 ? *bf16 : *fp32;
            const double rate = isBf16 ? bf16Rate.bestGflops : fp32Rate.bestGflops;
            const double cpuRate = isBf16 ? bf16Rate.gflopsPerCpuSecond : fp32Rate.gflopsPerCpuSecond;
            for (int bs : o.batchSizes) {
                const int runs = bs < 8 ? o.runsBatch1 : o.runsBatch32;
                const auto r = throughput(m, bs, o.seqLength, runs);
                const double gflops = flopsPerExample * r.examplesPerSecond / 1e9;
                eps[{name, bs}] = r.examplesPerSecond;
                t.addRow({name, std::to_string(bs), std::to_string(runs), format("%.1f", 1000 * r.medianSeconds),
                          format("%.1f", 1000 * r.minSeconds), format("%.1f", 1000 * r.maxSeconds),
                          format("%.1f", 1000 * r.medianCpuSeconds), format("%.2f", r.examplesPerSecond), format("%.1f", gflops),
                          rate > 0 ? format("%.0f%%", 100.0 * gflops / rate) : "-",
                          format("%.1f", flopsPerExample * bs / r.medianCpuSeconds / 1e9),
                          cpuRate > 0 ? format("%.0f%%", 100.0 * flopsPerExample * bs / r.medianCpuSeconds / 1e9 / cpuRate)
                                      : "-"});
            }
        }
        t.print(format("throughput, seq %d, forwardFlops %.2f GFLOP/example", o.seqLength, flopsPerExample / 1e9));
        for (int bs : o.batchSizes)
            if (eps.count({"fp32", bs}) && eps.count({"bf16", bs}))
                std::printf("bf16 / fp32 throughput at batch %d: %.2fx\n", bs, eps[{"bf16", bs}] / eps[{"fp32", bs}]);
    }

    if (has("agreement")) {
        TextTable t({"data", "examples", "same prediction", "agreement", "max |logit diff|", "acc fp32", "acc bf16"});
        auto addRow = [&](const std::string& name, const Agreement& g, bool labelled) {
            t.addRow({name, std::to_string(g.n), std::to_string(g.same), format("%.2f%%", 100.0 * double(g.same) / double(g.n)),
                      format("%.4f", g.maxLogitDiff), labelled ? format("%.4f", g.accuracyFp32) : "-",
                      labelled ? format("%.4f", g.accuracyBf16) : "-"});
        };
        addRow("random BERT-base, random ids",
               agreement(*fp32, *bf16, randomDataset(o.agreementExamples, o.seqLength, fp32->config().vocabSize, 11)), false);
        if (const auto real = loadRealFixture(o.fixturesDir, o.threads)) {
            const auto small16 = loadModel(real->modelDir, core::Precision::BFloat16, o.threads);
            addRow("sst2_small on sst2_dev.tsv", agreement(*real->model, *small16, real->data), true);
        } else {
            std::printf("\n(no %s: the real-model agreement row is skipped)\n",
                        realFixtureModelDir(o.fixturesDir).c_str());
        }
        t.print("bf16 vs fp32 predictions");
    }
    std::printf("\nload average (1 min) at the end %.2f\n", loadAverage1());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    // As headscope-cli does: passive OpenMP waiting (re-executes once with OMP_WAIT_POLICY set).
    core::ensurePassiveOpenMpWait(argc, argv);
    Options o;
    CLI::App app{"HeadScope evaluation bench (plain-text tables on stdout)"};
    addCommonOptions(app, o);
    app.add_option("--runs-batch1", o.runsBatch1, "timed runs at batch sizes below 8");
    app.add_option("--runs-batch32", o.runsBatch32, "timed runs at batch sizes of 8 and more");
    app.add_option("--agreement-examples", o.agreementExamples, "random examples for the bf16 agreement row");
    app.add_option("--batch-sizes", o.batchSizes, "throughput batch sizes")->delimiter(',');
    app.add_option("--precisions", o.precisions, "throughput precisions (fp32, bf16)")->delimiter(',');
    app.add_option("--logits-out", o.logitsOut, "write fp32 logits of the fixed input (for eager_reference.py)");
    CLI11_PARSE(app, argc, argv);
    return runReportingErrors([&] { return run(o); });
}
