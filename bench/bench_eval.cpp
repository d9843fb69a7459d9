// Evaluation speed and memory of a BERT-base-shaped classifier: throughput at batch 1 and 32
// (fp32, bf16), the share of the machine's matmul rate the forward reaches, bf16 agreement,
// load time and resident memory. Prints plain-text tables; judges nothing.
#include "bench_model_writer.h"
#include "bench_support.h"

#include "analysis/evaluator.h"
#include "analysis/latency.h"
#include "model/encoder_model.h"
#include "util/atomic_file.h"
#include "util/process_setup.h"
#include "model/speed_check.h"

#include <CLI/CLI.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ostream>
#include <functional>
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
    // The "attention" section: one encoder layer's parts at this shape (not part of the default).
    std::vector<int> attnBatches{16, 64};
    int attnHeads = 8;
    int attnHidden = 128;
    int attnRuns = 20;
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
    auto written = core::writeFileAtomically(path, [&](std::ostream& out) -> core::Result<bool> {
        for (const auto& row : r->logits) {
            for (size_t c = 0; c < row.size(); ++c)
                out << (c ? " " : "") << format("%.9g", double(row[c]));
            out << "\n";
        }
        return true;
    });
    if (!written)
        throw core::ErrorException(written.error());
    std::printf("\nlogits of the fixed input (4 x %d, fp32) written to %s\n", seqLength, path.c_str());
}

// Median milliseconds of fn over runs (after one warm-up).
double medianMs(int runs, const std::function<void()>& fn)
{
    fn();
    std::vector<double> ms;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    return medianOf(ms);
}

// The parts of one encoder layer (as encoder_forward.cpp computes them, unblocked) with all
// heads and with half of them: which parts' time follows the FLOP count and which does not.
void benchAttentionParts(const Options& o)
{
    torch::NoGradGuard noGrad;
    const int64_t t = o.seqLength, hidden = o.attnHidden, d = hidden / o.attnHeads, inter = 4 * hidden;
    TextTable table({"batch", "heads", "part", "median ms", "GFLOP", "GFLOP/s", "share of layer"});
    for (int b : o.attnBatches) {
        for (int64_t h : {int64_t(o.attnHeads), int64_t(o.attnHeads / 2)}) {
            auto x = torch::randn({b, t, hidden});
            auto wQkv = torch::randn({3 * h * d, hidden}) * 0.05, bQkv = torch::zeros({3 * h * d});
            auto wO = torch::randn({hidden, h * d}) * 0.05, bO = torch::zeros({hidden});
            auto w1 = torch::randn({inter, hidden}) * 0.05, w2 = torch::randn({hidden, inter}) * 0.05;
            auto qkv = torch::linear(x, wQkv, bQkv).view({b, t, 3, h, d});
            auto q = qkv.select(2, 0).transpose(1, 2), k = qkv.select(2, 1).transpose(1, 2);
            auto v = qkv.select(2, 2).transpose(1, 2);
            auto scores = torch::matmul(q, k.transpose(-1, -2));
            auto probs = torch::softmax(scores, -1);
            auto ctx = torch::matmul(probs, v).transpose(1, 2).reshape({b, t, h * d});
            struct Part
            {
                const char* name;
                double flops;
                std::function<void()> fn;
            };
            const double bt = double(b) * double(t);
            std::vector<Part> parts = {
                {"QKV projection", 2.0 * bt * hidden * 3 * h * d, [&] { torch::linear(x, wQkv, bQkv); }},
                {"scores q k^T (bmm)", 2.0 * bt * t * h * d, [&] { torch::matmul(q, k.transpose(-1, -2)); }},
                {"scale + softmax", 0.0, [&] {
                     auto s2 = scores.clone();
                     s2.mul_(0.25);
                     torch::softmax(s2, -1);
                 }},
                {"probs v (bmm)", 2.0 * bt * t * h * d, [&] { torch::matmul(probs, v); }},
                {"output projection", 2.0 * bt * h * d * hidden, [&] { torch::linear(ctx, wO, bO); }},
                {"feed-forward", 4.0 * bt * hidden * inter, [&] { torch::linear(torch::gelu(torch::linear(x, w1)), w2); }},
            };
            // The attention core (scores, scale, softmax, times v) at once, and in blocks of
            // examples whose scores take about 2 MB (as encoder_forward.cpp does).
            const auto core = [&](int64_t rows) {
                std::vector<torch::Tensor> out;
                for (int64_t from = 0; from < b; from += rows) {
                    const int64_t n = std::min<int64_t>(rows, b - from);
                    auto sc = torch::matmul(q.narrow(0, from, n), k.narrow(0, from, n).transpose(-1, -2));
                    sc.mul_(0.25);
                    out.push_back(torch::matmul(torch::softmax(sc, -1), v.narrow(0, from, n)));
                }
                return torch::cat(out, 0);
            };
            const int64_t blockRows = std::max<int64_t>(1, (int64_t(2) << 20) / (h * t * t * 4));
            const double coreFlops = 4.0 * bt * t * h * d;
            const double onceMs = medianMs(o.attnRuns, [&] { core(b); });
            const double blockedMs = medianMs(o.attnRuns, [&] { core(blockRows); });
            std::vector<double> ms;
            double total = 0.0;
            for (const auto& p : parts) {
                ms.push_back(medianMs(o.attnRuns, p.fn));
                total += ms.back();
            }
            for (size_t i = 0; i < parts.size(); ++i)
                table.addRow({std::to_string(b), std::to_string(h), parts[i].name, format("%.2f", ms[i]),
                              parts[i].flops > 0 ? format("%.3f", parts[i].flops / 1e9) : "-",
                              parts[i].flops > 0 ? format("%.1f", parts[i].flops / 1e6 / ms[i]) : "-",
                              format("%.0f%%", 100.0 * ms[i] / total)});
            table.addRow({std::to_string(b), std::to_string(h), "attention core, one block", format("%.2f", onceMs),
                          format("%.3f", coreFlops / 1e9), format("%.1f", coreFlops / 1e6 / onceMs), "-"});
            table.addRow({std::to_string(b), std::to_string(h),
                          format("attention core, blocks of %lld", static_cast<long long>(blockRows)),
                          format("%.2f", blockedMs), format("%.3f", coreFlops / 1e9),
                          format("%.1f", coreFlops / 1e6 / blockedMs), "-"});
        }
    }
    table.print(format("one layer's parts: hidden %d, %d heads of %lld (and half of them), %lld tokens, "
                       "%d runs, medians",
                       o.attnHidden, o.attnHeads, static_cast<long long>(d), static_cast<long long>(t), o.attnRuns));
}

int run(const Options& o)
{
    core::setTorchThreads(o.threads);
    const int threads = core::torchThreads();
    auto written = writeBenchModel(o.modelDir);
    if (!written)
        throw core::ErrorException(written.error());
    const auto has = [&](const char* s) { return o.sections.count(s) > 0; };
    if (has("attention")) {
        benchAttentionParts(o);
        if (o.sections.size() == 1)
            return 0;
    }

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
    app.add_option("--attn-batches", o.attnBatches, "attention section: batch sizes")->delimiter(',');
    app.add_option("--attn-heads", o.attnHeads, "attention section: heads");
    app.add_option("--attn-hidden", o.attnHidden, "attention section: hidden size");
    app.add_option("--attn-runs", o.attnRuns, "attention section: timed runs per part");
    app.add_option("--logits-out", o.logitsOut, "write fp32 logits of the fixed input (for eager_reference.py)");
    CLI11_PARSE(app, argc, argv);
    return runReportingErrors([&] { return run(o); });
}
