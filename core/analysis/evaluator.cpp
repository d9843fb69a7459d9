#include "analysis/evaluator.h"

#include "model/detail/encoder_forward.h"
#include "model/detail/torch_helpers.h"

#include <chrono>

namespace headscope::core {

Result<EvalResult> evaluate(const EncoderModel& model, const EncodedDataset& data, const EvalParams& params,
                            const Progress& progress, const EvalPartialCallback& partial)
{
    return captureResult([&]() -> EvalResult {
        const auto& impl = model.impl();
        if (data.examples.empty())
            fail(ErrorCode::InvalidArgument, "the dataset has no examples");
        if (!params.mask.empty() && (params.mask.nLayers() != model.nLayers() || params.mask.nHeads() != model.nHeads()))
            fail(ErrorCode::ShapeMismatch, "head mask shape does not match the model");
        c10::InferenceMode guard;
        torch::Tensor mask;
        if (!params.mask.empty() && params.mask != model.fullMask())
            mask = maskTensor(params.mask, impl.device);

        EvalResult r;
        const size_t n = data.examples.size();
        r.logits.resize(params.keepLogits ? n : 0);
        r.predictions.assign(n, -1);
        r.correct.assign(n, 0);
        double lossSum = 0.0;
        const auto batches = makeBatches(data, params.batchSize, params.sortByLength);
        EvalPartial part;
        part.nTotal = int64_t(n);
        double forwardSeconds = 0.0;
        for (const auto& idx : batches) {
            auto batch = makeEncoderBatch(impl, data, idx);
            ForwardRequest req;
            req.headMask = mask;
            const auto t0 = std::chrono::steady_clock::now();
            auto logits = encoderForward(impl, batch, req).logits.to(torch::kCPU).contiguous();
            forwardSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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
                }
            }
            part.nDone += int64_t(idx.size());
            ++r.nBatches;
            if (partial)
                partial(part);
            if (progress && !progress(part.nDone, part.nTotal))
                fail(ErrorCode::Cancelled, "evaluation cancelled");
        }
        r.accuracy = r.n > 0 ? double(r.nCorrect) / double(r.n) : 0.0;
        r.accuracyInterval = wilsonInterval(r.nCorrect, r.n);
        r.meanLoss = r.n > 0 ? lossSum / double(r.n) : 0.0;
        r.totalSeconds = forwardSeconds;
        r.meanBatchMs = 1000.0 * forwardSeconds / double(std::max<int64_t>(1, r.nBatches));
        r.msPerExample = 1000.0 * forwardSeconds / double(n);
        r.examplesPerSecond = forwardSeconds > 0 ? double(n) / forwardSeconds : 0.0;
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
