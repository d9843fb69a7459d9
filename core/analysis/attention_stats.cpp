#include "analysis/attention_stats.h"

#include "model/detail/encoder_forward.h"
#include "model/detail/torch_helpers.h"

#include <limits>

namespace headscope::core {

namespace {

// Entropy (nats) of each attention row: [B, hp, T]; 0 log 0 counts as 0.
torch::Tensor rowEntropy(const torch::Tensor& probs)
{
    auto p = probs.to(torch::kFloat64);
    auto plogp = p * torch::log(p);
    plogp = torch::where(p > 0, plogp, torch::zeros_like(plogp));
    return -plogp.sum(-1);
}

} // namespace

Result<Matrix> attentionEntropy(const EncoderModel& model, const EncodedDataset& data, const EntropyParams& params,
                                const Progress& progress)
{
    return captureResult([&]() -> Matrix {
        const auto& impl = model.impl();
        if (data.examples.empty())
            fail(ErrorCode::InvalidArgument, "the dataset has no examples");
        c10::InferenceMode guard;
        torch::Tensor mask;
        if (!params.mask.empty())
            mask = maskTensor(params.mask, impl.device);
        auto sums = torch::zeros({model.nLayers(), model.nHeads()}, torch::kFloat64);
        int64_t nTokens = 0, done = 0;
        for (const auto& idx : makeBatches(data, params.batchSize, true)) {
            auto batch = makeEncoderBatch(impl, data, idx);
            ForwardRequest req;
            req.headMask = mask;
            req.recordAttention = true;
            auto out = encoderForward(impl, batch, req);
            auto queryMask = batch.attentionMask.to(torch::kFloat64).unsqueeze(1); // [B, 1, T]
            for (int l = 0; l < model.nLayers(); ++l) {
                const auto& heads = impl.layers[size_t(l)].heads;
                if (heads.empty())
                    continue;
                auto perHead = (rowEntropy(out.attention[size_t(l)]) * queryMask).sum(std::vector<int64_t>{0, 2}).cpu();
                for (size_t j = 0; j < heads.size(); ++j)
                    sums[l][heads[j]] += perHead[int64_t(j)];
            }
            nTokens += batch.nTokens;
            done += int64_t(idx.size());
            if (progress && !progress(done, int64_t(data.examples.size())))
                fail(ErrorCode::Cancelled, "entropy cancelled");
        }
        Matrix m = toMatrix(sums / double(std::max<int64_t>(1, nTokens)));
        for (int l = 0; l < model.nLayers(); ++l)
            for (int h = 0; h < model.nHeads(); ++h)
                if (!model.hasHead(l, h))
                    m[size_t(l)][size_t(h)] = std::numeric_limits<double>::quiet_NaN();
        return m;
    });
}

Result<AttentionView> attentionForExample(const EncoderModel& model, const EncodedDataset& data, size_t example,
                                          int layer, int head, const HeadMask& mask)
{
    return captureResult([&]() -> AttentionView {
        const auto& impl = model.impl();
        if (example >= data.examples.size())
            fail(ErrorCode::InvalidArgument, "example " + std::to_string(example) + " is out of range");
        if (!model.hasHead(layer, head))
            fail(ErrorCode::InvalidArgument,
                 "head " + std::to_string(layer) + ":" + std::to_string(head) + " is not in the model");
        c10::InferenceMode guard;
        const HeadMask base = mask.empty() ? model.fullMask() : mask;
        HeadMask without = base;
        without.setKept(layer, head, false);
        auto batch = makeEncoderBatch(impl, data, {example});
        batch.inputIds = batch.inputIds.repeat({2, 1});
        batch.tokenTypeIds = batch.tokenTypeIds.repeat({2, 1});
        batch.attentionMask = batch.attentionMask.repeat({2, 1});
        ForwardRequest req;
        req.headMask = torch::stack({maskTensor(base, impl.device), maskTensor(without, impl.device)}, 0);
        req.recordAttention = true;
        auto out = encoderForward(impl, batch, req);
        const auto& heads = impl.layers[size_t(layer)].heads;
        const int64_t j = std::find(heads.begin(), heads.end(), head) - heads.begin();
        auto probs = out.attention[size_t(layer)][0][j].to(torch::kCPU, torch::kFloat32).contiguous();

        AttentionView view;
        view.example = example;
        view.layer = layer;
        view.head = head;
        view.headMaskedAlready = !base.isKept(layer, head);
        for (auto id : data.examples[example].inputIds)
            view.tokens.push_back(model.tokenizer().idToToken(id));
        const int64_t t = probs.size(0);
        view.weights.assign(size_t(t), std::vector<float>(size_t(t)));
        for (int64_t q = 0; q < t; ++q)
            for (int64_t k = 0; k < t; ++k)
                view.weights[size_t(q)][size_t(k)] = probs[q][k].item<float>();
        view.entropy = rowEntropy(probs.unsqueeze(0)).mean().item<double>();
        auto logits = out.logits.to(torch::kCPU).contiguous();
        for (int64_t c = 0; c < logits.size(1); ++c) {
            view.logits.push_back(logits[0][c].item<float>());
            view.logitsHeadMasked.push_back(logits[1][c].item<float>());
        }
        view.prediction = int(logits[0].argmax().item<int64_t>());
        view.predictionHeadMasked = int(logits[1].argmax().item<int64_t>());
        return view;
    });
}

} // namespace headscope::core
