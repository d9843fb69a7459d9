#include "analysis/translation_latency.h"

#include "metrics/statistics.h"
#include "model/seq2seq_inference.h"
#include "model/seq2seq_model.h"

#include <chrono>
#include <memory>

namespace headscope::core {

Result<TranslationLatencyResult> measureTranslationLatency(const Seq2SeqModel& model, const TranslationSet& set,
                                                           const TranslationLatencyParams& params,
                                                           const Progress& progress)
{
    return captureResult([&]() -> TranslationLatencyResult {
        if (set.size() == 0)
            fail(ErrorCode::InvalidArgument, "the test set has no sentences", set.sourcePath);
        if (params.timedRuns < 1 || params.warmupRuns < 0)
            fail(ErrorCode::InvalidArgument, "latency needs at least one timed run");
        struct Variant
        {
            std::string name;
            std::shared_ptr<const Seq2SeqModel> pruned; // null: run `model`
            Seq2SeqMasks masks;
        };
        std::vector<Variant> variants{{"original", nullptr, {}}};
        if (!params.masks.allKept()) {
            if (params.includeMasked)
                variants.push_back({"masked", nullptr, params.masks});
            if (params.includePruned) {
                auto pruned = model.pruned(params.masks);
                if (!pruned)
                    throw ErrorException(pruned.error());
                variants.push_back({"pruned", *pruned, {}});
            }
        }
        const int64_t total = int64_t(variants.size() * params.batchSizes.size()) *
                              (params.warmupRuns + params.timedRuns);
        int64_t done = 0;
        TranslationLatencyResult r;
        r.params = params;
        r.nSentences = int64_t(set.size());
        r.device = model.deviceName();
        for (const Variant& v : variants) {
            const Seq2SeqModel& m = v.pruned ? *v.pruned : model;
            for (int batch : params.batchSizes) {
                DecodeParams p;
                p.batchSize = batch;
                p.beamSize = params.beamSize;
                p.maxLength = params.maxLength;
                p.masks = v.masks;
                std::vector<double> seconds;
                int64_t tokens = 0;
                for (int run = 0; run < params.warmupRuns + params.timedRuns; ++run) {
                    const auto start = std::chrono::steady_clock::now();
                    auto out = translate(m, set.sourceIds, p);
                    if (!out)
                        throw ErrorException(out.error());
                    if (run >= params.warmupRuns)
                        seconds.push_back(
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
                    tokens = 0;
                    for (const auto& t : *out)
                        tokens += int64_t(t.ids.size()) - 1;
                    if (progress && !progress(++done, total))
                        fail(ErrorCode::Cancelled, "latency measurement cancelled");
                }
                TranslationLatencyMeasurement meas;
                meas.variant = v.name;
                meas.batchSize = batch;
                meas.medianSeconds = median(seconds);
                meas.q1Seconds = quantile(seconds, 0.25);
                meas.q3Seconds = quantile(seconds, 0.75);
                meas.nTokens = tokens;
                meas.tokensPerSecond = meas.medianSeconds > 0 ? double(tokens) / meas.medianSeconds : 0.0;
                meas.sentencesPerSecond = meas.medianSeconds > 0 ? double(set.size()) / meas.medianSeconds : 0.0;
                meas.nParameters = m.parameterCount();
                r.measurements.push_back(meas);
            }
        }
        return r;
    });
}

} // namespace headscope::core
