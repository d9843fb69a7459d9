#include "analysis/importance.h"

#include "model/detail/encoder_forward.h"
#include "model/detail/torch_helpers.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

namespace headscope::core {

Matrix normalizeImportance(const Matrix& raw, ImportanceNormalization normalization)
{
    Matrix out = raw;
    if (normalization == ImportanceNormalization::Layer) {
        for (auto& row : out) {
            double sq = 0.0;
            for (double v : row)
                if (!std::isnan(v))
                    sq += v * v;
            const double norm = std::sqrt(sq) + 1e-20; // the paper code's epsilon
            for (double& v : row)
                v /= norm;
        }
    } else if (normalization == ImportanceNormalization::Global) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (const auto& row : out)
            for (double v : row)
                if (!std::isnan(v)) {
                    lo = std::min(lo, v);
                    hi = std::max(hi, v);
                }
        const double span = hi - lo;
        for (auto& row : out)
            for (double& v : row)
                v = span > 0 ? (v - lo) / span : 0.0;
    }
    return out;
}

namespace {

torch::Tensor crossEntropySum(const torch::Tensor& logits, const torch::Tensor& labels)
{
    auto logp = torch::log_softmax(logits.to(torch::kFloat32), -1);
    return -logp.gather(1, labels.clamp_min(0).unsqueeze(1)).squeeze(1);
}

// The paper's equation: per-example mask variables xi [B, L, H] at 1, loss summed over the
// batch so that each example's gradient is its own; I += sum_b |dL_b / dxi_b|.
void accumulateMaskGradient(const EncoderModel::Impl& impl, const EncoderBatch& batch, const torch::Tensor& baseMask,
                            torch::Tensor& acc)
{
    const int64_t b = batch.inputIds.size(0);
    auto xi = baseMask.unsqueeze(0).expand({b, baseMask.size(0), baseMask.size(1)}).clone().set_requires_grad(true);
    ForwardRequest req;
    req.headMask = xi;
    auto logits = encoderForward(impl, batch, req).logits;
    auto valid = (batch.labels >= 0).to(torch::kFloat32);
    auto loss = (crossEntropySum(logits, batch.labels) * valid).sum();
    auto grad = torch::autograd::grad({loss}, {xi})[0];
    acc += grad.abs().sum(0).to(torch::kFloat64).cpu();
}

// The authors' released code: per-token gates on each head's context, batch-mean loss,
// I += sum_{b,t} |<dL/dctx, ctx>| (= |dL/dgate| at gate 1).
void accumulatePaperCode(const EncoderModel::Impl& impl, const EncoderBatch& batch, const torch::Tensor& baseMask,
                         torch::Tensor& acc)
{
    const int64_t b = batch.inputIds.size(0), t = batch.inputIds.size(1);
    ForwardRequest req;
    req.headMask = baseMask;
    for (const auto& layer : impl.layers)
        req.tokenHeadGates.push_back(torch::ones({b, layer.nPresent(), t}, torch::TensorOptions().device(impl.device))
                                         .set_requires_grad(true));
    auto logits = encoderForward(impl, batch, req).logits;
    auto valid = (batch.labels >= 0).to(torch::kFloat32);
    auto loss = (crossEntropySum(logits, batch.labels) * valid).sum() / valid.sum().clamp_min(1.0);
    auto grads = torch::autograd::grad({loss}, req.tokenHeadGates, {}, false, false, true);
    for (size_t l = 0; l < impl.layers.size(); ++l) {
        if (!grads[l].defined() || impl.layers[l].nPresent() == 0)
            continue;
        auto perHead = grads[l].abs().sum(std::vector<int64_t>{0, 2}).to(torch::kFloat64).cpu(); // [nPresent]
        for (int j = 0; j < impl.layers[l].nPresent(); ++j)
            acc[int64_t(l)][impl.layers[l].heads[size_t(j)]] += perHead[j];
    }
}

} // namespace

Result<ImportanceResult> computeImportance(const EncoderModel& model, const EncodedDataset& data,
                                           const ImportanceParams& params, const Progress& progress,
                                           const ImportanceBatchCallback& onBatch)
{
    return captureResult([&]() -> ImportanceResult {
        const auto& impl = model.impl();
        if (data.examples.empty())
            fail(ErrorCode::InvalidArgument, "the dataset has no examples");
        const auto start = std::chrono::steady_clock::now();
        const HeadMask base = params.mask.empty() ? model.fullMask() : params.mask;
        if (base.nLayers() != model.nLayers() || base.nHeads() != model.nHeads())
            fail(ErrorCode::ShapeMismatch, "head mask shape does not match the model");
        auto baseMask = maskTensor(base, impl.device);
        auto acc = torch::zeros({model.nLayers(), model.nHeads()}, torch::kFloat64);
        const bool paper = params.method == ImportanceMethod::PaperCode;
        // The paper code's batch-mean loss makes scores depend on batch composition: file order.
        const auto batches = makeBatches(data, params.batchSize, !paper);
        int64_t done = 0, nTokens = 0, nExamples = 0;
        size_t firstBatch = 0;
        if (const ImportanceCheckpoint* resume = params.resumeFrom.get(); resume && resume->batchesDone > 0) {
            if (size_t(resume->batchesDone) > batches.size() || resume->sum.size() != size_t(model.nLayers()) ||
                (resume->sum.empty() ? 0 : resume->sum[0].size()) != size_t(model.nHeads()))
                fail(ErrorCode::InvalidArgument, "the importance checkpoint to resume from does not fit this model and data");
            firstBatch = size_t(resume->batchesDone);
            for (int l = 0; l < model.nLayers(); ++l)
                for (int h = 0; h < model.nHeads(); ++h)
                    acc[l][h] = resume->sum[size_t(l)][size_t(h)];
            nTokens = resume->nTokens;
            nExamples = resume->nExamples;
            for (size_t b = 0; b < firstBatch; ++b)
                done += int64_t(batches[b].size());
        }
        for (size_t bi = firstBatch; bi < batches.size(); ++bi) {
            const auto& idx = batches[bi];
            auto batch = makeEncoderBatch(impl, data, idx);
            if (paper)
                accumulatePaperCode(impl, batch, baseMask, acc);
            else
                accumulateMaskGradient(impl, batch, baseMask, acc);
            nTokens += batch.nTokens;
            nExamples += int64_t(idx.size());
            done += int64_t(idx.size());
            if (onBatch)
                onBatch(ImportanceCheckpoint{int(bi + 1), toMatrix(acc), nTokens, nExamples});
            if (progress && !progress(done, int64_t(data.examples.size())))
                fail(ErrorCode::Cancelled, "importance cancelled");
        }
        if (paper) {
            const int64_t last = model.nLayers() - 1;
            acc.slice(0, 0, last) /= double(nTokens);
            acc[last] /= double(nExamples);
        } else {
            acc /= double(nExamples);
        }
        ImportanceResult r;
        r.params = params;
        r.raw = toMatrix(acc);
        // Absent (structurally pruned) and masked heads carry no score.
        for (int l = 0; l < model.nLayers(); ++l)
            for (int h = 0; h < model.nHeads(); ++h)
                if (!model.hasHead(l, h) || !base.isKept(l, h))
                    r.raw[size_t(l)][size_t(h)] = 0.0;
        r.normalized = normalizeImportance(r.raw, params.normalization);
        r.nExamples = nExamples;
        r.nTokens = nTokens;
        r.batchesResumed = int(firstBatch);
        r.params.resumeFrom = nullptr;
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return r;
    });
}

} // namespace headscope::core
