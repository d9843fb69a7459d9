#include "model/detail/encoder_forward.h"
#include "model/detail/torch_helpers.h"

#include "analysis/encoded_dataset.h"

#include <cmath>
#include <cstdlib>

namespace headscope::core {

namespace {

// The attention scores of a batch ([B, heads, T, T] float32) are written, scaled, biased,
// soft-maxed and read again: five passes over a tensor that at batch 64, 8 heads and 128 tokens
// is 33 MB, far past the caches, so the batch's time grew faster than its size. Attention is
// therefore computed in blocks of examples whose scores fit in about this many bytes.
// HEADSCOPE_ATTENTION_BLOCK_KB overrides it (0: one block, as before) for bench comparisons.
int64_t attentionBlockBytes()
{
    static const int64_t bytes = [] {
        const char* env = std::getenv("HEADSCOPE_ATTENTION_BLOCK_KB");
        return env ? std::max<int64_t>(0, std::atoll(env)) * 1024 : int64_t(2) << 20;
    }();
    return bytes;
}

torch::Tensor layerNorm(const torch::Tensor& x, const torch::Tensor& g, const torch::Tensor& b, double eps)
{
    return layerNormFloat32(x, g, b, eps);
}

torch::Tensor activation(const torch::Tensor& x, Activation act)
{
    switch (act) {
    case Activation::GeluErf: return torch::gelu(x);
    case Activation::GeluTanh: return torch::gelu(x, "tanh");
    case Activation::Relu: return torch::relu(x);
    }
    return torch::gelu(x);
}

// Selects the mask columns of the heads present in this layer: [1 or B, nPresent].
torch::Tensor layerMask(const torch::Tensor& headMask, int layer, const std::vector<int>& heads)
{
    auto idx = torch::tensor(std::vector<int64_t>(heads.begin(), heads.end()),
                             torch::TensorOptions().dtype(torch::kLong).device(headMask.device()));
    if (headMask.dim() == 2)
        return headMask[layer].index_select(0, idx).unsqueeze(0);
    return headMask.select(1, layer).index_select(1, idx);
}

} // namespace

EncoderBatch makeEncoderBatch(const EncoderModel::Impl& model, const EncodedDataset& data,
                              const std::vector<size_t>& indices)
{
    const int64_t b = int64_t(indices.size());
    int64_t t = 1;
    for (auto i : indices)
        t = std::max<int64_t>(t, int64_t(data.examples[i].inputIds.size()));
    auto ids = torch::full({b, t}, int64_t(model.config.padTokenId), torch::kLong);
    auto types = torch::zeros({b, t}, torch::kLong);
    auto mask = torch::zeros({b, t}, torch::kFloat32);
    auto labels = torch::full({b}, int64_t(-1), torch::kLong);
    auto idsA = ids.accessor<int64_t, 2>();
    auto typesA = types.accessor<int64_t, 2>();
    auto maskA = mask.accessor<float, 2>();
    auto labelsA = labels.accessor<int64_t, 1>();
    EncoderBatch batch;
    for (int64_t r = 0; r < b; ++r) {
        const auto& ex = data.examples[indices[size_t(r)]];
        for (size_t c = 0; c < ex.inputIds.size(); ++c) {
            idsA[r][int64_t(c)] = ex.inputIds[c];
            typesA[r][int64_t(c)] = c < ex.tokenTypeIds.size() ? ex.tokenTypeIds[c] : 0;
            maskA[r][int64_t(c)] = 1.0f;
        }
        labelsA[r] = ex.label;
        batch.nTokens += int64_t(ex.inputIds.size());
    }
    batch.inputIds = ids.to(model.device);
    batch.tokenTypeIds = types.to(model.device);
    batch.attentionMask = mask.to(model.device);
    batch.labels = labels.to(model.device);
    batch.indices = indices;
    return batch;
}

torch::Tensor encoderEmbeddings(const EncoderModel::Impl& model, const EncoderBatch& batch)
{
    const int64_t t = batch.inputIds.size(1);
    auto positions = torch::arange(t, torch::TensorOptions().dtype(torch::kLong).device(model.device));
    auto x = model.wordEmb.index_select(0, batch.inputIds.reshape({-1})).view({batch.inputIds.size(0), t, -1});
    x = x + model.posEmb.index_select(0, positions).unsqueeze(0);
    if (model.typeEmb.defined())
        x = x + model.typeEmb.index_select(0, batch.tokenTypeIds.reshape({-1})).view_as(x);
    return layerNorm(x, model.embLnG, model.embLnB, model.config.layerNormEps);
}

torch::Tensor classifierHead(const EncoderModel::Impl& model, const torch::Tensor& hidden)
{
    auto cls = hidden.select(1, 0);
    torch::Tensor pooled = torch::linear(cls, model.poolW, model.poolB);
    pooled = model.isDistil() ? torch::relu(pooled) : torch::tanh(pooled);
    return torch::linear(pooled, model.clsW, model.clsB).to(torch::kFloat32);
}

ForwardOutput encoderForward(const EncoderModel::Impl& model, const EncoderBatch& batch, const ForwardRequest& request)
{
    const auto& cfg = model.config;
    const int64_t d = model.headDim();
    const double scale = 1.0 / std::sqrt(double(d));
    const int nLayers = int(model.layers.size());
    const int stop = request.stopLayer < 0 ? nLayers : std::min(request.stopLayer, nLayers);

    torch::Tensor x = request.startLayer > 0 ? request.startHidden : encoderEmbeddings(model, batch);
    const int64_t b = x.size(0);
    const int64_t t = x.size(1);
    // Additive key mask: padding keys get a large negative score (as the reference code's -10000).
    // Without padding it is all zeros, and adding it would only cost a pass over the scores.
    const bool padded = (batch.attentionMask < 0.5).any().item<bool>();
    auto keyBias = ((1.0 - batch.attentionMask) * -10000.0).view({b, 1, 1, t}).to(torch::kFloat32);

    ForwardOutput out;
    torch::Tensor mask = request.headMask;
    if (mask.defined() && mask.device() != model.device)
        mask = mask.to(model.device);

    for (int l = request.startLayer; l < stop; ++l) {
        const auto& layer = model.layers[size_t(l)];
        if (request.layerInputs)
            request.layerInputs->push_back(x);
        const int64_t hp = layer.nPresent();
        // The classifier reads only the [CLS] row of the last layer, so when nothing else is
        // asked of that layer (attention maps, per-token gates) only that row's query,
        // attention, output projection and feed-forward are computed; keys and values still
        // come from every token. Rows are independent, so the logits are unchanged.
        const bool clsOnly = l == nLayers - 1 && stop == nLayers && !request.recordAttention &&
                             request.tokenHeadGates.empty();
        const torch::Tensor xq = clsOnly ? x.narrow(1, 0, 1) : x;
        const int64_t tq = xq.size(1);
        torch::Tensor attnOut;
        if (hp == 0) {
            // Every head removed: the block contributes its output bias only.
            attnOut = layer.bO.view({1, 1, -1}).expand({b, tq, layer.bO.size(0)});
            if (request.recordAttention)
                out.attention.push_back(torch::empty({b, 0, t, t}, torch::kFloat32));
        } else {
            torch::Tensor q, k, v;
            if (clsOnly) {
                const int64_t width = hp * d;
                q = torch::linear(xq, layer.wQkv.narrow(0, 0, width), layer.bQkv.narrow(0, 0, width))
                        .view({b, tq, hp, d})
                        .transpose(1, 2);
                auto kv = torch::linear(x, layer.wQkv.narrow(0, width, 2 * width), layer.bQkv.narrow(0, width, 2 * width))
                              .view({b, t, 2, hp, d});
                k = kv.select(2, 0).transpose(1, 2);
                v = kv.select(2, 1).transpose(1, 2);
            } else {
                auto qkv = torch::linear(x, layer.wQkv, layer.bQkv).view({b, t, 3, hp, d});
                q = qkv.select(2, 0).transpose(1, 2); // [B, hp, T, d]
                k = qkv.select(2, 1).transpose(1, 2);
                v = qkv.select(2, 2).transpose(1, 2);
            }
            // Softmax in float32 whatever the weights' precision. Scaling and the key bias are
            // applied in place: the product is not needed by autograd, and each extra
            // [B, hp, T, T] temporary costs a full memory pass.
            const auto attend = [&](int64_t from, int64_t n) {
                auto scores = torch::matmul(q.narrow(0, from, n), k.narrow(0, from, n).transpose(-1, -2))
                                  .to(torch::kFloat32);
                scores.mul_(scale);
                if (padded)
                    scores.add_(keyBias.narrow(0, from, n));
                auto probs = torch::softmax(scores, -1);
                if (request.recordAttention)
                    out.attention.push_back(probs);
                return torch::matmul(probs.to(v.scalar_type()), v.narrow(0, from, n)); // [n, hp, Tq, d]
            };
            const int64_t blockBytes = attentionBlockBytes();
            const int64_t rowBytes = hp * tq * t * int64_t(sizeof(float));
            const int64_t rows = blockBytes > 0 ? std::max<int64_t>(1, blockBytes / rowBytes) : b;
            torch::Tensor ctx;
            if (rows >= b || request.recordAttention) {
                ctx = attend(0, b);
            } else {
                std::vector<torch::Tensor> blocks;
                for (int64_t from = 0; from < b; from += rows)
                    blocks.push_back(attend(from, std::min(rows, b - from)));
                ctx = torch::cat(blocks, 0);
            }
            if (mask.defined()) {
                auto m = layerMask(mask, l, layer.heads).to(ctx.scalar_type()); // [1|B, hp]
                ctx = ctx * m.view({m.size(0), hp, 1, 1});
            }
            if (!request.tokenHeadGates.empty() && request.tokenHeadGates[size_t(l)].defined())
                ctx = ctx * request.tokenHeadGates[size_t(l)].to(ctx.scalar_type()).unsqueeze(-1);
            ctx = ctx.transpose(1, 2).reshape({b, tq, hp * d});
            attnOut = torch::linear(ctx, layer.wO, layer.bO);
        }
        x = layerNorm(xq + attnOut, layer.ln1G, layer.ln1B, cfg.layerNormEps);
        auto h = activation(torch::linear(x, layer.w1, layer.b1), cfg.activation);
        x = layerNorm(x + torch::linear(h, layer.w2, layer.b2), layer.ln2G, layer.ln2B, cfg.layerNormEps);
    }
    out.hidden = x;
    if (stop == nLayers)
        out.logits = classifierHead(model, x);
    return out;
}

} // namespace headscope::core
