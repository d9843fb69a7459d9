#include "analysis/evaluator.h"

#include "analysis/detail/layer_state_cache_impl.h"
#include "model/detail/encoder_forward.h"
#include "model/detail/torch_helpers.h"

#include <chrono>

namespace headscope::core {

namespace {

// The batches to run, the sample (if any) already taken: the first sampleSize examples of the
// order, which for the streaming order is fixed by orderBatchSize and then cut to batchSize.
std::vector<std::vector<size_t>> batchesFor(const EncodedDataset& data, const EvalParams& params)
{
    const int orderBatch =
        params.order == BatchOrder::Streaming && params.orderBatchSize > 0 ? params.orderBatchSize : params.batchSize;
    std::vector<std::vector<size_t>> batches;
    switch (params.order) {
    case BatchOrder::FileOrder: batches = makeBatches(data, orderBatch, false); break;
    case BatchOrder::ByLength: batches = makeBatches(data, orderBatch, true); break;
    case BatchOrder::Streaming: batches = makeStreamingBatches(data, orderBatch, params.orderSeed); break;
    }
    if (params.sampleSize > 0)
        batches = takeExamples(batches, size_t(params.sampleSize));
    return orderBatch == params.batchSize ? batches : cutBatches(batches, params.batchSize);
}

} // namespace

Result<EvalResult> evaluate(const EncoderModel& model, const EncodedDataset& data, const EvalParams& params,
                            const Progress& progress, const EvalPartialCallback& partial)
{
    return captureResult([&]() -> EvalResult {
        const auto& impl = model.impl();
        if (data.examples.empty())
            fail(ErrorCode::InvalidArgument, "the dataset has no examples");
        if (!params.mask.empty() && (params.mask.nLayers() != model.nLayers() || params.mask.nHeads() != model.nHeads()))
            fail(ErrorCode::ShapeMismatch, "head mask shape does not match the model");
        const size_t n = data.examples.size();
        const std::vector<uint8_t>* baseline = params.baselineCorrect.get();
        if (baseline && baseline->size() != n)
            fail(ErrorCode::ShapeMismatch, "the baseline outcomes do not match the dataset");
        c10::InferenceMode guard;
        const HeadMask fullMask = model.fullMask();
        const HeadMask& maskValue = params.mask.empty() ? fullMask : params.mask;
        torch::Tensor mask;
        if (maskValue != fullMask)
            mask = maskTensor(maskValue, impl.device);
        LayerStateCache::Impl* cache = params.layerCache ? &params.layerCache->impl() : nullptr;
        if (cache) {
            cache->bind(&impl, &data, n, model.nLayers());
            cache->beginRun();
        }

        EvalResult r;
        r.logits.resize(params.keepLogits ? n : 0);
        r.predictions.assign(n, -1);
        r.correct.assign(n, 0);
        double lossSum = 0.0;
        auto batches = batchesFor(data, params);
        if (params.sampleSize > 0 && size_t(params.sampleSize) < n)
            r.coverage = EvalResult::Coverage::Sample;
        EvalPartial part;
        part.paired = baseline != nullptr;
        for (const auto& b : batches)
            part.nTotal += int64_t(b.size());
        const int64_t nClasses = impl.config.nLabels;
        for (const auto& e : data.examples)
            part.nPopulation += e.label >= 0 && e.label < nClasses ? 1 : 0;
        double forwardSeconds = 0.0;
        for (const auto& idx : batches) {
            auto batch = makeEncoderBatch(impl, data, idx);
            std::vector<int64_t> lengths(idx.size());
            for (size_t row = 0; row < idx.size(); ++row)
                lengths[row] = int64_t(data.examples[idx[row]].inputIds.size());
            ForwardRequest req;
            req.headMask = mask;
            std::vector<torch::Tensor> layerInputs;
            const auto t0 = std::chrono::steady_clock::now();
            if (cache) {
                req.startLayer = cache->startLayer(maskValue, idx, model.nLayers());
                if (req.startLayer > 0)
                    req.startHidden = cache->gather(req.startLayer, maskValue, idx, lengths, batch.inputIds.size(1),
                                                    impl.dtype, impl.device);
                req.layerInputs = &layerInputs;
                cache->noteBatch(req.startLayer);
            }
            auto logits = encoderForward(impl, batch, req).logits.to(torch::kCPU).contiguous();
            forwardSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (cache)
                for (size_t k = 1; k < layerInputs.size(); ++k)
                    cache->store(req.startLayer + int(k), maskValue, idx, lengths, layerInputs[k]);
            auto logp = torch::log_softmax(logits.to(torch::kFloat64), -1);
            auto preds = logits.argmax(-1);
            const int64_t c = logits.size(1);
            for (size_t row = 0; row < idx.size(); ++row) {
                const size_t i = idx[row];
                const int pred = int(preds[int64_t(row)].item<int64_t>());
                r.predictions[i] = pred;
                if (params.keepLogits) {
                    const float* p = logits.data_ptr<float>() + int64_t(row) * c;
                    r.logits[i].assign(p, p + c);
                }
                const int label = data.examples[i].label;
                if (label >= 0 && label < c) {
                    ++r.n;
                    r.correct[i] = pred == label ? 1 : 0;
                    r.nCorrect += r.correct[i];
                    lossSum -= logp[int64_t(row)][label].item<double>();
                    part.nCorrect += r.correct[i];
                    ++part.nLabelled;
                    if (baseline) {
                        part.nBaselineOnly += (*baseline)[i] && !r.correct[i] ? 1 : 0;
                        part.nCurrentOnly += !(*baseline)[i] && r.correct[i] ? 1 : 0;
                    }
                }
            }
            part.nDone += int64_t(idx.size());
            ++r.nBatches;
            if (partial)
                partial(part);
            if (progress && !progress(part.nDone, part.nTotal))
                fail(ErrorCode::Cancelled, "evaluation cancelled");
            if (params.stopBelowWidth > 0.0 && part.nDone < part.nTotal) {
                const auto e = part.paired ? part.deltaEstimate() : part.accuracyEstimate();
                if (e.width() < params.stopBelowWidth) {
                    r.coverage = EvalResult::Coverage::StoppedAtWidth;
                    break;
                }
            }
        }
        r.last = part;
        r.accuracy = r.n > 0 ? double(r.nCorrect) / double(r.n) : 0.0;
        r.accuracyInterval = wilsonInterval(r.nCorrect, r.n);
        r.meanLoss = r.n > 0 ? lossSum / double(r.n) : 0.0;
        r.totalSeconds = forwardSeconds;
        r.meanBatchMs = 1000.0 * forwardSeconds / double(std::max<int64_t>(1, r.nBatches));
        r.msPerExample = 1000.0 * forwardSeconds / double(std::max<int64_t>(1, part.nDone));
        r.examplesPerSecond = forwardSeconds > 0 ? double(part.nDone) / forwardSeconds : 0.0;
        return r;
    });
}

Result<std::vector<std::vector<float>>> logitsWithPerExampleMasks(const EncoderModel& model, const EncodedDataset& data,
                                                                  const std::vector<HeadMask>& masks)
{
    return captureResult([&]() -> std::vector<std::vector<float>> {
        const auto& impl = model.impl();
        if (masks.size() != data.examples.size())
            fail(ErrorCode::InvalidArgument, "one mask per example is needed");
        c10::InferenceMode guard;
        std::vector<size_t> idx(data.examples.size());
        for (size_t i = 0; i < idx.size(); ++i)
            idx[i] = i;
        std::vector<torch::Tensor> perExample;
        for (const auto& m : masks) {
            if (m.nLayers() != model.nLayers() || m.nHeads() != model.nHeads())
                fail(ErrorCode::ShapeMismatch, "head mask shape does not match the model");
            perExample.push_back(maskTensor(m, impl.device));
        }
        auto batch = makeEncoderBatch(impl, data, idx);
        ForwardRequest req;
        req.headMask = torch::stack(perExample, 0);
        auto logits = encoderForward(impl, batch, req).logits.to(torch::kCPU).contiguous();
        std::vector<std::vector<float>> out(idx.size());
        for (size_t i = 0; i < idx.size(); ++i) {
            const float* p = logits.data_ptr<float>() + int64_t(i) * logits.size(1);
            out[i].assign(p, p + logits.size(1));
        }
        return out;
    });
}

} // namespace headscope::core
