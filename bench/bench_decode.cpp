// Speed of translation decoding on a Marian model: (a) greedy decoding with the key/value cache
// vs recomputing the prefix at every step, at batch 1 and 32 (the ids in and out can be written
// for eager_marian.py, which decodes the same sentences); (b) the single-head ablation sweep
// per attention type, where decoder-side heads reuse the encoder's outputs; (c) original vs
// half of every type's heads masked vs pruned (tokens/s). Plain-text tables.
#include "bench_support.h"

#include "analysis/translation_ablation.h"
#include "analysis/translation_latency.h"
#include "analysis/translation_set.h"
#include "model/seq2seq_inference.h"
#include "model/seq2seq_model.h"
#include "util/process_setup.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

using namespace headscope;
using namespace headscope::bench;

namespace {

struct Options : CommonOptions
{
    Options() { sections = {"decode", "ablation", "variants"}; }
    std::string source;       // default: <fixtures>/marian/src.txt
    std::string reference;    // default: <fixtures>/marian/ref.txt
    int sentences = 64;
    int runs = 3;
    int maxLength = 0;
    std::string batchSizes = "1,32";
    std::string idsOut;
    std::string hypIdsOut;
};

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void writeIds(const std::string& path, const std::vector<std::vector<int64_t>>& rows)
{
    std::ofstream out(path);
    for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i)
            out << (i ? " " : "") << row[i];
        out << '\n';
    }
    if (!out)
        throw core::ErrorException({core::ErrorCode::Runtime, "cannot write the ids", path, {}});
}

std::vector<int> batchSizesOf(const Options& o)
{
    std::vector<int> sizes;
    std::stringstream list(o.batchSizes);
    for (std::string item; std::getline(list, item, ',');)
        sizes.push_back(std::stoi(item));
    return sizes;
}

void benchDecode(const core::Seq2SeqModel& model, const core::TranslationSet& set, const Options& o)
{
    const std::vector<int> batchSizes = batchSizesOf(o);
    TextTable table({"batch", "cache", "median s", "min s", "max s", "tokens/s", "sentences/s", "median CPU s",
                     "vs no cache"});
    std::vector<core::Translation> kept;
    for (int batch : batchSizes) {
        double cachedMedian = 0.0;
        for (bool cache : {true, false}) {
            core::DecodeParams p;
            p.batchSize = batch;
            p.useCache = cache;
            p.maxLength = o.maxLength;
            p.beamSize = 1;
            std::vector<double> times, cpu;
            int64_t tokens = 0;
            for (int run = 0; run <= o.runs; ++run) { // the first pass warms up
                const auto t0 = std::chrono::steady_clock::now();
                const double cpu0 = processCpuSeconds();
                auto out = valueOrThrow(core::translate(model, set.sourceIds, p));
                if (run > 0) {
                    times.push_back(secondsSince(t0));
                    cpu.push_back(processCpuSeconds() - cpu0);
                }
                tokens = 0;
                for (const auto& t : out)
                    tokens += int64_t(t.ids.size()) - 1;
                if (cache && batch == batchSizes.front())
                    kept = std::move(out);
            }
            const double median = medianOf(times);
            if (cache)
                cachedMedian = median;
            table.addRow({std::to_string(batch), cache ? "yes" : "no", format("%.3f", median), format("%.3f", minOf(times)),
                          format("%.3f", maxOf(times)), format("%.1f", double(tokens) / median),
                          format("%.1f", double(set.size()) / median), format("%.3f", medianOf(cpu)),
                          cache ? "" : format("%.2fx", median / cachedMedian)});
        }
    }
    table.print(format("greedy decoding, %zu sentences, %d timed runs each (medians)", set.size(), o.runs));
    if (!o.idsOut.empty())
        writeIds(o.idsOut, set.sourceIds);
    if (!o.hypIdsOut.empty()) {
        std::vector<std::vector<int64_t>> hyps;
        for (const auto& t : kept)
            hyps.push_back(t.ids);
        writeIds(o.hypIdsOut, hyps);
    }
}

void benchAblation(const core::Seq2SeqModel& model, const core::TranslationSet& set, const Options& o)
{
    core::TranslationAblationParams p;
    p.decode.maxLength = o.maxLength;
    p.decode.beamSize = 1;
    // What one encoder pass costs against one decode of the same sentences: the time each
    // decoder-side head saves by reusing the encoding (medians of 3).
    std::vector<double> encodeSeconds, decodeSeconds;
    for (int run = 0; run < 3; ++run) {
        auto t0 = std::chrono::steady_clock::now();
        const auto encoded = valueOrThrow(core::encodeSources(model, set.sourceIds, {}));
        encodeSeconds.push_back(secondsSince(t0));
        t0 = std::chrono::steady_clock::now();
        valueOrThrow(core::decode(model, encoded, p.decode));
        decodeSeconds.push_back(secondsSince(t0));
    }
    std::printf("\none encoder pass %.3f s, one decode %.3f s (medians of 3, unmasked)\n", medianOf(encodeSeconds),
                medianOf(decodeSeconds));
    const double cpu0 = processCpuSeconds();
    const auto r = valueOrThrow(core::runTranslationAblation(model, set, p));
    const double cpu = processCpuSeconds() - cpu0;
    TextTable table({"type", "heads", "wall s", "s per head", "tokens", "ms per token", "encoder runs"});
    for (core::AttentionType t : core::kSeq2SeqAttentionTypes) {
        const int n = r.nVariants[size_t(t)];
        const double s = r.variantSeconds[size_t(t)];
        const int64_t tokens = r.variantTokens[size_t(t)];
        table.addRow({core::attentionTypeName(t), std::to_string(n), format("%.2f", s), format("%.3f", n ? s / n : 0.0),
                      std::to_string(tokens), format("%.3f", tokens ? 1000.0 * s / double(tokens) : 0.0),
                      t == core::AttentionType::EncoderSelf ? std::to_string(n) : "0 (reused)"});
    }
    table.print(format("single-head ablation sweep, %zu sentences: baseline BLEU %.2f, %.2f s wall, %.2f s CPU, "
                       "%lld encoder passes, %lld decodes",
                       set.size(), r.baselineBleu, r.seconds, cpu, static_cast<long long>(r.encoderPasses),
                       static_cast<long long>(r.decoderPasses)));
}

// Every other head of every layer of every type (half of all heads).
core::Seq2SeqMasks halfOfTheHeads(const core::Seq2SeqModel& model)
{
    core::Seq2SeqMasks masks = model.fullMasks();
    for (core::AttentionType t : core::kSeq2SeqAttentionTypes)
        for (int l = 0; l < masks.of(t).nLayers(); ++l)
            for (int h = 1; h < masks.of(t).nHeads(); h += 2)
                masks.of(t).setKept(l, h, false);
    return masks;
}

void benchVariants(const core::Seq2SeqModel& model, const core::TranslationSet& set, const Options& o)
{
    core::TranslationLatencyParams p;
    p.batchSizes = batchSizesOf(o);
    p.maxLength = o.maxLength;
    p.timedRuns = o.runs;
    p.masks = halfOfTheHeads(model);
    const auto r = valueOrThrow(core::measureTranslationLatency(model, set, p));
    TextTable table({"variant", "batch", "median s", "q1 s", "q3 s", "tokens", "tokens/s", "sentences/s", "parameters"});
    for (const auto& m : r.measurements)
        table.addRow({m.variant, std::to_string(m.batchSize), format("%.3f", m.medianSeconds), format("%.3f", m.q1Seconds),
                      format("%.3f", m.q3Seconds), std::to_string(m.nTokens), format("%.1f", m.tokensPerSecond),
                      format("%.1f", m.sentencesPerSecond), std::to_string(m.nParameters)});
    table.print(format("original / every other head masked / pruned, %zu sentences (masked and pruned generate the "
                       "same tokens; the original others)",
                       set.size()));
}

int run(const Options& o)
{
    const std::string fixture = o.fixturesDir + "/marian";
    const std::string modelDir = o.modelDir.empty() ? fixture : o.modelDir;
    core::LoadOptions load;
    load.nThreads = o.threads;
    const auto model = valueOrThrow(core::Seq2SeqModel::load(modelDir, load));
    core::TranslationSetOptions setOptions;
    setOptions.limit = o.sentences;
    const auto set = valueOrThrow(core::loadTranslationSet(*model, o.source.empty() ? fixture + "/src.txt" : o.source,
                                                           o.reference.empty() ? fixture + "/ref.txt" : o.reference,
                                                           setOptions));
    std::printf("model %s: %d+%d layers x %d heads, %lld parameters; %s; %d threads; load average %.2f\n",
                modelDir.c_str(), model->nLayers(core::AttentionType::EncoderSelf),
                model->nLayers(core::AttentionType::DecoderSelf), model->nHeads(core::AttentionType::EncoderSelf),
                static_cast<long long>(model->parameterCount()), cpuModel().c_str(), o.threads, loadAverage1());
    if (o.sections.count("decode"))
        benchDecode(*model, set, o);
    if (o.sections.count("ablation"))
        benchAblation(*model, set, o);
    if (o.sections.count("variants"))
        benchVariants(*model, set, o);
    std::printf("\nload average (1 min) at the end %.2f\n", loadAverage1());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    core::ensurePassiveOpenMpWait(argc, argv);
    Options o;
    o.modelDir.clear(); // the Marian fixture unless --model is given
    CLI::App app{"HeadScope translation decoding bench (plain-text tables on stdout)"};
    addCommonOptions(app, o);
    // The shared options speak of BERT models; this bench decodes Marian ones.
    app.get_option("--model")->description("Marian model folder (default: the fixture's marian/)");
    app.get_option("--fixtures")->description("shared fixtures folder (marian/)");
    app.remove_option(app.get_option("--seq-len"));
    app.add_option("--src", o.source, "source sentences (default: the fixture's src.txt)");
    app.add_option("--ref", o.reference, "references (default: the fixture's ref.txt)");
    app.add_option("--sentences", o.sentences, "first N sentences (0: all)");
    app.add_option("--runs", o.runs, "timed passes per setting (after one warm-up pass)");
    app.add_option("--max-length", o.maxLength, "decoding max length (0: the model's)");
    app.add_option("--batch-sizes", o.batchSizes, "comma list of batch sizes");
    app.add_option("--ids-out", o.idsOut, "write the source ids here (for eager_marian.py --ids)");
    app.add_option("--hyp-ids-out", o.hypIdsOut, "write the cached greedy ids at the first batch size here");
    CLI11_PARSE(app, argc, argv);
    return runReportingErrors([&] { return run(o); });
}
