#include "analysis/compare.h"

#include "metrics/statistics.h"
#include "model/encoder_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace headscope::core {

void collectPairedHeads(const Matrix& a, const Matrix& b, int nLayers, int nHeads,
                        const std::function<bool(int layer, int head)>& present, std::vector<double>& x,
                        std::vector<double>& y)
{
    for (int l = 0; l < nLayers; ++l)
        for (int h = 0; h < nHeads; ++h) {
            if (!present(l, h) || size_t(l) >= a.size() || size_t(l) >= b.size() ||
                size_t(h) >= a[size_t(l)].size() || size_t(h) >= b[size_t(l)].size())
                continue;
            const double va = a[size_t(l)][size_t(h)], vb = b[size_t(l)][size_t(h)];
            if (std::isfinite(va) && std::isfinite(vb)) {
                x.push_back(va);
                y.push_back(vb);
            }
        }
}

Correlation correlationOf(const std::vector<double>& x, const std::vector<double>& y)
{
    Correlation c;
    c.nHeads = int(x.size());
    c.pearson = pearson(x, y);
    c.spearman = spearman(x, y);
    return c;
}

Correlation correlatePerHead(const EncoderModel& model, const Matrix& a, const Matrix& b)
{
    std::vector<double> x, y;
    collectPairedHeads(a, b, model.nLayers(), model.nHeads(),
                       [&model](int l, int h) { return model.hasHead(l, h); }, x, y);
    return correlationOf(x, y);
}

Result<CompareResult> compareDatasets(const EncoderModel& model, const EncodedDataset& a, const EncodedDataset& b,
                                      const CompareParams& params, const Progress& progress,
                                      const CompareStageCallback& onStage)
{
    return captureResult([&]() -> CompareResult {
        const auto start = std::chrono::steady_clock::now();
        const bool doAblation = params.what != CompareWhat::Importance;
        const bool doImportance = params.what != CompareWhat::Ablation;
        CompareResult out;
        out.params = params;
        out.params.knownA = {};
        out.params.ablation.mode = AblationMode::SingleHead;
        out.a = params.knownA;
        if (!doAblation)
            out.a.ablation.reset();
        if (!doImportance)
            out.a.importance.reset();

        struct Stage
        {
            bool ablation;
            bool onA;
        };
        std::vector<Stage> stages;
        if (doAblation && !out.a.ablation)
            stages.push_back({true, true});
        if (doImportance && !out.a.importance)
            stages.push_back({false, true});
        if (doAblation)
            stages.push_back({true, false});
        if (doImportance)
            stages.push_back({false, false});

        constexpr int64_t kScale = 1000;
        const int64_t nStages = int64_t(stages.size());
        for (int64_t i = 0; i < nStages; ++i) {
            const Stage s = stages[size_t(i)];
            if (onStage)
                onStage(int(i), int(nStages),
                        std::string(s.ablation ? "single-head ablation" : "importance") + (s.onA ? " on A" : " on B"));
            Progress scaled;
            if (progress)
                scaled = [&](int64_t done, int64_t total) {
                    const int64_t part = total > 0 ? std::min(kScale, done * kScale / total) : 0;
                    return progress(i * kScale + part, nStages * kScale);
                };
            const EncodedDataset& data = s.onA ? a : b;
            DatasetAnalyses& slot = s.onA ? out.a : out.b;
            if (s.ablation) {
                auto r = runAblation(model, data, out.params.ablation, scaled);
                if (!r)
                    throw ErrorException(r.error());
                slot.ablation = std::move(r).value();
            } else {
                auto r = computeImportance(model, data, params.importance, scaled);
                if (!r)
                    throw ErrorException(r.error());
                slot.importance = std::move(r).value();
            }
        }
        if (doAblation)
            out.ablationDelta = correlatePerHead(model, out.a.ablation->delta, out.b.ablation->delta);
        if (doImportance)
            out.importance = correlatePerHead(model, out.a.importance->normalized, out.b.importance->normalized);
        out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return out;
    });
}

} // namespace headscope::core
