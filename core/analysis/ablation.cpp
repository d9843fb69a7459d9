#include "analysis/ablation.h"

#include "analysis/detail/layer_state_cache_impl.h"

#include "metrics/statistics.h"
#include "model/detail/encoder_forward.h"
#include "model/detail/torch_helpers.h"

#include <chrono>
#include <cmath>
#include <limits>

namespace headscope::core {

namespace {

struct Variant
{
    int layer = 0;
    int head = 0;
    HeadMask mask;
};

std::vector<Variant> variantsOfLayer(const EncoderModel& model, const HeadMask& base, AblationMode mode, int layer)
{
    std::vector<Variant> out;
    for (int h = 0; h < model.nHeads(); ++h) {
        if (!model.hasHead(layer, h))
            continue;
        Variant v{layer, h, base};
        if (mode == AblationMode::SingleHead) {
            v.mask.setKept(layer, h, false);
        } else {
            v.mask.setLayerKept(layer, false);
            v.mask.setKept(layer, h, true);
        }
        out.push_back(std::move(v));
    }
    return out;
}

// Correctness of each row of a batch from its logits.
void scoreRows(const torch::Tensor& logits, const EncoderBatch& batch, int64_t rowOffset,
               std::vector<uint8_t>& correct)
{
    auto preds = logits.argmax(-1).to(torch::kCPU);
    auto labels = batch.labels.to(torch::kCPU);
    const int64_t b = int64_t(batch.indices.size());
    for (int64_t r = 0; r < b; ++r)
        correct[batch.indices[size_t(r)]] = preds[rowOffset + r].item<int64_t>() == labels[r].item<int64_t>() ? 1 : 0;
}

} // namespace

Result<AblationResult> runAblation(const EncoderModel& model, const EncodedDataset& data, const AblationParams& params,
                                   const Progress& progress, const AblationLayerCallback& onLayer)
{
    return captureResult([&]() -> AblationResult {
        const auto& impl = model.impl();
        if (data.examples.empty())
            fail(ErrorCode::InvalidArgument, "the dataset has no examples");
        const auto start = std::chrono::steady_clock::now();
        const HeadMask base = params.baseMask.empty() ? model.fullMask() : params.baseMask;
        if (base.nLayers() != model.nLayers() || base.nHeads() != model.nHeads())
            fail(ErrorCode::ShapeMismatch, "head mask shape does not match the model");
        c10::InferenceMode guard;
        const size_t n = data.examples.size();
        const int nL = model.nLayers(), nH = model.nHeads();
        const double nan = std::numeric_limits<double>::quiet_NaN();

        AblationResult r;
        r.params = params;
        r.params.layerCache = nullptr; // the cache does not outlive the call's caller
        r.params.resumeFrom = nullptr;
        const AblationResult* resume = params.resumeFrom.get();
        if (resume && resume->layersDone > 0) {
            if (resume->params.mode != params.mode || resume->nLayers != nL || resume->accuracy.size() != size_t(nL) ||
                (resume->accuracy.empty() ? 0 : resume->accuracy[0].size()) != size_t(nH))
                fail(ErrorCode::InvalidArgument, "the checkpoint to resume from is of another kind of sweep or model shape");
            r.layersResumed = std::min(resume->layersDone, nL);
        }
        r.nLayers = nL;
        r.accuracy.assign(size_t(nL), std::vector<double>(size_t(nH), nan));
        r.delta = r.pTTest = r.pMcNemar = r.accuracy;
        r.correct.assign(size_t(nL), std::vector<std::vector<uint8_t>>(size_t(nH)));
        r.baselineCorrect.assign(n, 0);

        std::vector<std::vector<Variant>> variants;
        int64_t totalWork = 0;
        for (int l = 0; l < nL; ++l) {
            variants.push_back(variantsOfLayer(model, base, params.mode, l));
            if (l >= r.layersResumed)
                totalWork += int64_t(variants.back().size());
            for (const auto& v : variants.back())
                r.correct[size_t(l)][size_t(v.head)].assign(n, 0);
        }
        totalWork = (totalWork + 1) * int64_t(n);
        int64_t done = 0;
        auto tick = [&](int64_t amount) {
            done += amount;
            if (progress && !progress(done, totalWork))
                fail(ErrorCode::Cancelled, "ablation cancelled");
        };

        std::vector<uint8_t> labelled(n, 0);
        for (size_t i = 0; i < n; ++i)
            labelled[i] = data.examples[i].label >= 0 ? 1 : 0;
        for (auto v : labelled)
            r.n += v;
        if (r.layersResumed > 0 && resume->n != r.n)
            fail(ErrorCode::InvalidArgument, "the checkpoint to resume from was measured on another dataset ("
                                                 + std::to_string(resume->n) + " labelled examples, now " +
                                                 std::to_string(r.n) + ")");
        auto accuracyOf = [&](const std::vector<uint8_t>& correct) {
            int64_t c = 0;
            for (size_t i = 0; i < n; ++i)
                c += labelled[i] && correct[i] ? 1 : 0;
            return r.n > 0 ? double(c) / double(r.n) : 0.0;
        };
        // Per-example correctness of the labelled examples only, for the paired tests.
        auto labelledOnly = [&](const std::vector<uint8_t>& correct) {
            std::vector<uint8_t> out;
            for (size_t i = 0; i < n; ++i)
                if (labelled[i])
                    out.push_back(correct[i]);
            return out;
        };
        auto finishLayer = [&](AblationResult& res, int l, const std::vector<Variant>& vs) {
            if (l == 0)
                res.baselineAccuracy = accuracyOf(res.baselineCorrect);
            if (l < res.layersResumed) {
                // A checkpoint of the same sweep: same baseline, so its layers stand as measured.
                if (std::abs(resume->baselineAccuracy - res.baselineAccuracy) > 1e-12)
                    fail(ErrorCode::InvalidArgument,
                         "the checkpoint to resume from has another baseline accuracy (the model or the data changed)");
                for (Matrix AblationResult::*m : {&AblationResult::accuracy, &AblationResult::delta,
                                                  &AblationResult::pTTest, &AblationResult::pMcNemar})
                    (res.*m)[size_t(l)] = (resume->*m)[size_t(l)];
                res.correct[size_t(l)].assign(size_t(nH), {});
                res.layersDone = l + 1;
                return;
            }
            const auto baseLabelled = labelledOnly(res.baselineCorrect);
            for (const auto& v : vs) {
                const auto& c = res.correct[size_t(l)][size_t(v.head)];
                const double acc = accuracyOf(c);
                res.accuracy[size_t(l)][size_t(v.head)] = acc;
                res.delta[size_t(l)][size_t(v.head)] = acc - res.baselineAccuracy;
                const auto cl = labelledOnly(c);
                res.pTTest[size_t(l)][size_t(v.head)] = pairedTTestPValue(cl, baseLabelled);
                res.pMcNemar[size_t(l)][size_t(v.head)] = mcnemarExactPValue(cl, baseLabelled);
            }
            res.layersDone = l + 1;
        };

        const auto baseTensor = maskTensor(base, impl.device);
        const auto batches = makeBatches(data, params.batchSize, true);
        const int perForward = std::max(1, params.variantsPerForward);

        if (params.fastPath) {
            // Layer by layer so that results stream; the per-batch layer inputs are cached once
            // (layers below l do not see a head of layer l) and reused for every variant.
            std::vector<EncoderBatch> encoded;
            std::vector<std::vector<torch::Tensor>> inputs(batches.size());
            LayerStateCache::Impl* cache = params.layerCache ? &params.layerCache->impl() : nullptr;
            if (cache) {
                cache->bind(&impl, &data, n, nL);
                cache->beginRun();
            }
            for (size_t bi = 0; bi < batches.size(); ++bi) {
                const auto& idx = batches[bi];
                encoded.push_back(makeEncoderBatch(impl, data, idx));
                std::vector<int64_t> lengths(idx.size());
                for (size_t row = 0; row < idx.size(); ++row)
                    lengths[row] = int64_t(data.examples[idx[row]].inputIds.size());
                bool cached = cache && nL > 1;
                for (int l = 1; l < nL && cached; ++l)
                    cached = cache->holds(l, base, idx);
                ForwardRequest req;
                req.headMask = baseTensor;
                if (cached) {
                    // Every layer's input from the cache; only the last layer runs, for the
                    // baseline's logits.
                    inputs[bi].push_back(encoderEmbeddings(impl, encoded[bi]));
                    for (int l = 1; l < nL; ++l)
                        inputs[bi].push_back(cache->gather(l, base, idx, lengths, encoded[bi].inputIds.size(1),
                                                           impl.dtype, impl.device));
                    req.startLayer = nL - 1;
                    req.startHidden = inputs[bi].back();
                    cache->noteBatch(nL - 1);
                } else {
                    req.layerInputs = &inputs[bi];
                }
                auto logits = encoderForward(impl, encoded[bi], req).logits;
                if (cache && !cached)
                    for (int l = 1; l < nL; ++l)
                        cache->store(l, base, idx, lengths, inputs[bi][size_t(l)]);
                scoreRows(logits, encoded[bi], 0, r.baselineCorrect);
                tick(int64_t(idx.size()));
            }
            for (int l = 0; l < nL; ++l) {
                const auto& vs = variants[size_t(l)];
                for (size_t bi = 0; bi < batches.size() && l >= r.layersResumed; ++bi) {
                    const auto& batch = encoded[bi];
                    const int64_t b = int64_t(batch.indices.size());
                    for (size_t v0 = 0; v0 < vs.size(); v0 += size_t(perForward)) {
                        const size_t v1 = std::min(vs.size(), v0 + size_t(perForward));
                        const int64_t nv = int64_t(v1 - v0);
                        std::vector<torch::Tensor> masks;
                        for (size_t v = v0; v < v1; ++v)
                            masks.push_back(maskTensor(vs[v].mask, impl.device).unsqueeze(0).expand({b, nL, nH}));
                        EncoderBatch rep;
                        rep.attentionMask = batch.attentionMask.repeat({nv, 1});
                        rep.inputIds = batch.inputIds.repeat({nv, 1});
                        rep.tokenTypeIds = batch.tokenTypeIds.repeat({nv, 1});
                        ForwardRequest req;
                        req.headMask = torch::cat(masks, 0);
                        req.startLayer = l;
                        req.startHidden = inputs[bi][size_t(l)].repeat({nv, 1, 1});
                        auto logits = encoderForward(impl, rep, req).logits;
                        for (size_t v = v0; v < v1; ++v)
                            scoreRows(logits, batch, int64_t(v - v0) * b, r.correct[size_t(l)][size_t(vs[v].head)]);
                        tick(nv * b);
                    }
                }
                finishLayer(r, l, vs);
                if (onLayer)
                    onLayer(l, r);
            }
        } else {
            auto run = [&](const torch::Tensor& mask, std::vector<uint8_t>& correct) {
                for (const auto& idx : batches) {
                    auto batch = makeEncoderBatch(impl, data, idx);
                    ForwardRequest req;
                    req.headMask = mask;
                    scoreRows(encoderForward(impl, batch, req).logits, batch, 0, correct);
                    tick(int64_t(idx.size()));
                }
            };
            run(baseTensor, r.baselineCorrect);
            for (int l = 0; l < nL; ++l) {
                for (const auto& v : variants[size_t(l)])
                    if (l >= r.layersResumed)
                        run(maskTensor(v.mask, impl.device), r.correct[size_t(l)][size_t(v.head)]);
                finishLayer(r, l, variants[size_t(l)]);
                if (onLayer)
                    onLayer(l, r);
            }
        }
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    });
}

} // namespace headscope::core
