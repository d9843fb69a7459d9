#include "model/detail/seq2seq_forward.h"
#include "model/detail/torch_helpers.h"

#include "model/seq2seq_inference.h"

#include <algorithm>
#include <numeric>

#include <cmath>
#include <limits>

namespace headscope::core {

namespace {

torch::Tensor layerNorm(const torch::Tensor& x, const torch::Tensor& g, const torch::Tensor& b, double eps)
{
    return layerNormFloat32(x, g, b, eps);
}

torch::Tensor activation(const torch::Tensor& x, FfnActivation act)
{
    switch (act) {
    case FfnActivation::Swish: return torch::silu(x);
    case FfnActivation::GeluErf: return torch::gelu(x);
    case FfnActivation::GeluTanh: return torch::gelu(x, "tanh");
    case FfnActivation::Relu: return torch::relu(x);
    }
    return torch::silu(x);
}

// Mask values of the heads present in one layer: [1 or B, nPresent].
torch::Tensor layerMask(const torch::Tensor& mask, int layer, const std::vector<int>& heads)
{
    if (int64_t(heads.size()) == mask.size(-1)) // no head pruned: no gather needed
        return mask.dim() == 2 ? mask[layer].unsqueeze(0) : mask.select(1, layer);
    auto idx = torch::tensor(std::vector<int64_t>(heads.begin(), heads.end()),
                             torch::TensorOptions().dtype(torch::kLong)).to(mask.device());
    if (mask.dim() == 2)
        return mask[layer].index_select(0, idx).unsqueeze(0);
    return mask.select(1, layer).index_select(1, idx);
}

// x @ w^T + b. A single row (greedy decoding of one sentence) goes through a matrix-vector
// product: OpenBLAS's gemm packs the whole weight matrix even for one row, which took a third
// of the decoding time at batch 1, where gemv reads it once.
torch::Tensor project(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b)
{
    if (x.numel() != x.size(-1) || !x.device().is_cpu() || x.scalar_type() != torch::kFloat32)
        return torch::linear(x, w, b);
    auto sizes = x.sizes().vec();
    sizes.back() = w.size(0);
    auto row = x.reshape({-1});
    return (b.defined() ? torch::addmv(b, w, row) : torch::mv(w, row)).view(sizes);
}

torch::Tensor splitHeads(const torch::Tensor& x, int64_t hp, int64_t d)
{
    return x.view({x.size(0), x.size(1), hp, d}).transpose(1, 2); // [B, hp, T, d]
}

// Scaled dot-product attention of projected q/k/v, the head mask on the context, and the
// output projection. keyMask is a bool tensor broadcastable to the scores, true where masked.
torch::Tensor attend(const Seq2SeqAttentionWeights& a, const torch::Tensor& q, const torch::Tensor& k,
                     const torch::Tensor& v, const torch::Tensor& keyMask, const torch::Tensor& mask, int layer)
{
    const int64_t b = q.size(0), hp = q.size(1), tq = q.size(2), d = q.size(3);
    // Softmax in float32 whatever the weights' precision; scaling after the product as HF's
    // scaling of the query would only reorder the rounding.
    // One query per head (a decoding step): products and sums instead of a batched matmul.
    // LibTorch 1.13's CPU bmm makes one BLAS call per sentence and head once a matrix has 400
    // or more products (d x keys), which was 4 of every 10 seconds of greedy decoding at batch
    // 32 with 64-wide heads; below that its own loop is faster than products and sums, except
    // for a handful of sentence-heads.
    const int64_t tk = k.size(2);
    const bool oneQuery = tq == 1 && q.device().is_cpu() && (d * tk >= 400 || b * hp <= 64);
    auto scores = (oneQuery ? (q * k).sum(-1).unsqueeze(2) : torch::matmul(q, k.transpose(-1, -2))).to(torch::kFloat32);
    scores.mul_(1.0 / std::sqrt(double(d)));
    if (keyMask.defined())
        scores.masked_fill_(keyMask, -std::numeric_limits<float>::infinity());
    auto probs = torch::softmax(scores, -1);
    auto ctx = oneQuery ? (probs.to(v.scalar_type()).squeeze(2).unsqueeze(-1) * v).sum(2, true)
                        : torch::matmul(probs.to(v.scalar_type()), v); // [B, hp, Tq, d]
    if (mask.defined()) {
        auto m = layerMask(mask, layer, a.heads).to(ctx.scalar_type());
        ctx = ctx * m.view({m.size(0), hp, 1, 1});
    }
    ctx = ctx.transpose(1, 2).reshape({b, tq, hp * d});
    return project(ctx, a.wO, a.bO);
}

torch::Tensor biasOnly(const Seq2SeqAttentionWeights& a, const torch::Tensor& x)
{
    // Every head removed: the block contributes its output bias only.
    return a.bO.view({1, 1, -1}).expand({x.size(0), x.size(1), a.bO.size(0)});
}

torch::Tensor feedForward(const Seq2SeqModel::Impl& m, const Seq2SeqLayerWeights& w, const torch::Tensor& x)
{
    auto h = activation(project(x, w.w1, w.b1), m.config.activation);
    return layerNorm(x + project(h, w.w2, w.b2), w.lnG, w.lnB, m.config.layerNormEps);
}

torch::Tensor embed(const Seq2SeqModel::Impl& m, const torch::Tensor& table, const torch::Tensor& positions,
                    const torch::Tensor& ids, int64_t start)
{
    const int64_t t = ids.size(1);
    if (start + t > positions.size(0))
        fail(ErrorCode::InvalidArgument,
             "a sequence of " + std::to_string(start + t) + " tokens is longer than the model's " +
                 std::to_string(positions.size(0)) + " positions");
    auto x = table.index_select(0, ids.reshape({-1})).view({ids.size(0), t, -1});
    if (m.config.scaleEmbedding)
        x = x * m.embedScale();
    return x + positions.narrow(0, start, t).unsqueeze(0);
}

} // namespace

Seq2SeqMaskTensors Seq2SeqMaskTensors::selectRows(const torch::Tensor& rows) const
{
    Seq2SeqMaskTensors out = *this;
    for (auto* t : {&out.encoderSelf, &out.encoderDecoder, &out.decoderSelf})
        if (t->defined() && t->dim() == 3)
            *t = t->index_select(0, rows.to(t->device()));
    return out;
}

Seq2SeqMaskTensors makeMaskTensors(const Seq2SeqModel::Impl& model, const Seq2SeqMasks& global,
                                   const std::vector<Seq2SeqMasks>& perExample, const std::vector<size_t>& rows,
                                   bool encoderSide, bool decoderSide)
{
    Seq2SeqMaskTensors out;
    for (AttentionType type : kSeq2SeqAttentionTypes) {
        const bool wanted = type == AttentionType::EncoderSelf ? encoderSide : decoderSide;
        if (!wanted)
            continue;
        const int nl = model.config.nLayers(type), nh = model.config.nHeads(type);
        auto check = [&](const HeadMask& m) {
            if (!m.empty() && (m.nLayers() != nl || m.nHeads() != nh))
                fail(ErrorCode::ShapeMismatch, std::string(attentionTypeName(type)) + " mask is for " +
                                                   std::to_string(m.nLayers()) + " x " + std::to_string(m.nHeads()) +
                                                   " heads, the model has " + std::to_string(nl) + " x " +
                                                   std::to_string(nh));
        };
        torch::Tensor t;
        if (!perExample.empty()) {
            bool any = false;
            std::vector<float> values;
            for (size_t r : rows) {
                const HeadMask& m = perExample.at(r).of(type);
                check(m);
                any = any || !m.empty();
                const auto f = m.empty() ? std::vector<float>(size_t(nl * nh), 1.0f) : m.toFloats();
                values.insert(values.end(), f.begin(), f.end());
            }
            if (any)
                t = torch::from_blob(values.data(), {int64_t(rows.size()), nl, nh}, torch::kFloat32).clone();
        } else if (!global.of(type).empty()) {
            check(global.of(type));
            auto values = global.of(type).toFloats();
            t = torch::from_blob(values.data(), {nl, nh}, torch::kFloat32).clone();
        }
        if (t.defined())
            t = t.to(model.device);
        (type == AttentionType::EncoderSelf      ? out.encoderSelf
         : type == AttentionType::EncoderDecoder ? out.encoderDecoder
                                                 : out.decoderSelf) = t;
    }
    return out;
}

SourceBatch makeSourceBatch(const Seq2SeqModel::Impl& model, const std::vector<std::vector<int64_t>>& sources,
                            const std::vector<size_t>& rows)
{
    const int64_t b = int64_t(rows.size());
    int64_t s = 1;
    for (size_t r : rows)
        s = std::max<int64_t>(s, int64_t(sources.at(r).size()));
    if (s > model.config.maxPositionEmbeddings)
        fail(ErrorCode::InvalidArgument, "a source sentence has " + std::to_string(s) + " tokens, more than the model's " +
                                             std::to_string(model.config.maxPositionEmbeddings) + " positions");
    auto ids = torch::full({b, s}, model.config.generation.padTokenId, torch::kLong);
    auto pad = torch::ones({b, s}, torch::kBool);
    auto idsA = ids.accessor<int64_t, 2>();
    auto padA = pad.accessor<bool, 2>();
    const int64_t vocab = model.config.vocabSize;
    for (int64_t i = 0; i < b; ++i) {
        const auto& src = sources[rows[size_t(i)]];
        if (src.empty())
            fail(ErrorCode::InvalidArgument, "empty source sequence (it needs at least </s>)");
        for (size_t j = 0; j < src.size(); ++j) {
            if (src[j] < 0 || src[j] >= vocab)
                fail(ErrorCode::InvalidArgument, "source token id " + std::to_string(src[j]) + " outside the vocabulary");
            idsA[i][int64_t(j)] = src[j];
            padA[i][int64_t(j)] = false;
        }
    }
    return {ids.to(model.device), pad.to(model.device)};
}

TargetBatch makeTargetBatch(const Seq2SeqModel::Impl& model, const std::vector<std::vector<int64_t>>& targets,
                            const std::vector<size_t>& rows)
{
    const int64_t b = int64_t(rows.size());
    int64_t t = 1;
    for (size_t r : rows)
        t = std::max<int64_t>(t, int64_t(targets.at(r).size()));
    const auto& g = model.config.generation;
    auto input = torch::full({b, t}, g.padTokenId, torch::kLong);
    auto labels = torch::full({b, t}, int64_t(-100), torch::kLong);
    auto inA = input.accessor<int64_t, 2>();
    auto labA = labels.accessor<int64_t, 2>();
    for (int64_t i = 0; i < b; ++i) {
        const auto& tgt = targets[rows[size_t(i)]];
        if (tgt.empty())
            fail(ErrorCode::InvalidArgument, "empty target sequence (it needs at least </s>)");
        for (size_t j = 0; j < tgt.size(); ++j) {
            if (tgt[j] < 0 || tgt[j] >= model.config.decoderVocabSize)
                fail(ErrorCode::InvalidArgument, "target token id " + std::to_string(tgt[j]) + " outside the vocabulary");
            labA[i][int64_t(j)] = tgt[j];
            inA[i][int64_t(j)] = j == 0 ? g.decoderStartTokenId : tgt[j - 1];
        }
    }
    return {input.to(model.device), labels.to(model.device)};
}

EncoderOutput EncoderOutput::selectRows(const torch::Tensor& rows) const
{
    EncoderOutput out;
    const auto r = rows.to(hidden.device());
    out.hidden = hidden.index_select(0, r);
    out.keyPadding = keyPadding.index_select(0, r);
    out.padded = padded;
    for (size_t l = 0; l < crossK.size(); ++l) {
        // Undefined for a layer whose cross-attention heads were all pruned.
        out.crossK.push_back(crossK[l].defined() ? crossK[l].index_select(0, r) : torch::Tensor());
        out.crossV.push_back(crossV[l].defined() ? crossV[l].index_select(0, r) : torch::Tensor());
    }
    return out;
}

void DecoderCache::selectRows(const torch::Tensor& rows)
{
    for (size_t l = 0; l < k.size(); ++l) {
        if (!k[l].defined())
            continue;
        const auto r = rows.to(k[l].device());
        k[l] = k[l].index_select(0, r);
        v[l] = v[l].index_select(0, r);
    }
}

EncoderOutput runEncoder(const Seq2SeqModel::Impl& model, const SourceBatch& batch, const torch::Tensor& mask)
{
    const int64_t d = model.headDim();
    const double eps = model.config.layerNormEps;
    auto x = embed(model, model.encoderEmbedding, model.encoderPositions, batch.ids, 0).to(model.dtype);
    const bool padded = batch.keyPadding.any().item<bool>();
    const auto keyMask = padded ? batch.keyPadding.view({batch.ids.size(0), 1, 1, -1}) : torch::Tensor();
    for (int l = 0; l < int(model.encoder.size()); ++l) {
        const auto& w = model.encoder[size_t(l)];
        const auto& a = w.self;
        const int64_t hp = a.nPresent();
        torch::Tensor attnOut;
        if (hp == 0) {
            attnOut = biasOnly(a, x);
        } else {
            auto qkv = project(x, a.wQkv, a.bQkv).chunk(3, -1);
            attnOut = attend(a, splitHeads(qkv[0], hp, d), splitHeads(qkv[1], hp, d), splitHeads(qkv[2], hp, d),
                             keyMask, mask, l);
        }
        x = layerNorm(x + attnOut, a.lnG, a.lnB, eps);
        x = feedForward(model, w, x);
    }
    return {x, batch.keyPadding, padded, {}, {}};
}

void computeCrossKeysValues(const Seq2SeqModel::Impl& model, EncoderOutput& enc)
{
    const int64_t d = model.headDim();
    enc.crossK.clear();
    enc.crossV.clear();
    for (const auto& w : model.decoder) {
        const auto& a = w.cross;
        const int64_t hp = a.nPresent();
        if (hp == 0) {
            enc.crossK.emplace_back();
            enc.crossV.emplace_back();
            continue;
        }
        const int64_t width = hp * d;
        auto kv = project(enc.hidden, a.wQkv.narrow(0, width, 2 * width), a.bQkv.narrow(0, width, 2 * width))
                      .chunk(2, -1);
        enc.crossK.push_back(splitHeads(kv[0], hp, d));
        enc.crossV.push_back(splitHeads(kv[1], hp, d));
    }
}

torch::Tensor runDecoder(const Seq2SeqModel::Impl& model, const EncoderOutput& enc, const torch::Tensor& tokens,
                         const Seq2SeqMaskTensors& masks, DecoderCache* cache)
{
    const int64_t d = model.headDim();
    const double eps = model.config.layerNormEps;
    const int64_t past = cache ? cache->length : 0;
    const int64_t t = tokens.size(1);
    auto x = embed(model, model.decoderEmbedding, model.decoderPositions, tokens, past).to(model.dtype);
    const auto opts = torch::TensorOptions().device(model.device);
    // Causal mask over [past + t] keys for the t new queries; one new token sees everything.
    torch::Tensor causal;
    if (t > 1)
        causal = torch::ones({t, past + t}, opts.dtype(torch::kBool)).triu(past + 1);
    const auto srcMask = enc.padded ? enc.keyPadding.view({enc.keyPadding.size(0), 1, 1, -1}) : torch::Tensor();
    if (cache && cache->k.empty()) {
        cache->k.resize(model.decoder.size());
        cache->v.resize(model.decoder.size());
    }
    for (int l = 0; l < int(model.decoder.size()); ++l) {
        const auto& w = model.decoder[size_t(l)];
        // Self-attention over the prefix.
        {
            const auto& a = w.self;
            const int64_t hp = a.nPresent();
            torch::Tensor out;
            if (hp == 0) {
                out = biasOnly(a, x);
            } else {
                auto qkv = project(x, a.wQkv, a.bQkv).chunk(3, -1);
                auto q = splitHeads(qkv[0], hp, d);
                auto k = splitHeads(qkv[1], hp, d);
                auto v = splitHeads(qkv[2], hp, d);
                if (cache) {
                    auto& ck = cache->k[size_t(l)];
                    auto& cv = cache->v[size_t(l)];
                    if (ck.defined()) {
                        k = torch::cat({ck, k}, 2);
                        v = torch::cat({cv, v}, 2);
                    }
                    ck = k;
                    cv = v;
                }
                out = attend(a, q, k, v, causal, masks.decoderSelf, l);
            }
            x = layerNorm(x + out, a.lnG, a.lnB, eps);
        }
        // Cross-attention over the source.
        {
            const auto& a = w.cross;
            const int64_t hp = a.nPresent();
            torch::Tensor out;
            if (hp == 0) {
                out = biasOnly(a, x);
            } else {
                const int64_t width = hp * d;
                auto q = splitHeads(project(x, a.wQkv.narrow(0, 0, width), a.bQkv.narrow(0, 0, width)), hp, d);
                torch::Tensor k, v;
                if (size_t(l) < enc.crossK.size()) {
                    k = enc.crossK[size_t(l)];
                    v = enc.crossV[size_t(l)];
                } else {
                    auto kv = project(enc.hidden, a.wQkv.narrow(0, width, 2 * width),
                                            a.bQkv.narrow(0, width, 2 * width))
                                  .chunk(2, -1);
                    k = splitHeads(kv[0], hp, d);
                    v = splitHeads(kv[1], hp, d);
                }
                out = attend(a, q, k, v, srcMask, masks.encoderDecoder, l);
            }
            x = layerNorm(x + out, a.lnG, a.lnB, eps);
        }
        x = feedForward(model, w, x);
    }
    if (cache)
        cache->length = past + t;
    return x;
}

torch::Tensor lmLogits(const Seq2SeqModel::Impl& model, const torch::Tensor& hidden)
{
    return (project(hidden, model.lmHead, torch::Tensor()) + model.finalLogitsBias).to(torch::kFloat32);
}

std::vector<std::vector<size_t>> lengthSortedBatches(const std::vector<std::vector<int64_t>>& sources, int batchSize)
{
    std::vector<size_t> order(sources.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return sources[a].size() > sources[b].size(); });
    const size_t n = size_t(std::max(1, batchSize));
    std::vector<std::vector<size_t>> batches;
    for (size_t i = 0; i < order.size(); i += n)
        batches.emplace_back(order.begin() + long(i), order.begin() + long(std::min(order.size(), i + n)));
    return batches;
}

namespace {

std::vector<std::vector<int64_t>> sourcesOf(const std::vector<TranslationPair>& pairs)
{
    std::vector<std::vector<int64_t>> out;
    for (const auto& p : pairs)
        out.push_back(p.sourceIds);
    return out;
}

std::vector<std::vector<int64_t>> targetsOf(const std::vector<TranslationPair>& pairs)
{
    std::vector<std::vector<int64_t>> out;
    for (const auto& p : pairs)
        out.push_back(p.targetIds);
    return out;
}

void checkPerExample(size_t nMasks, size_t n)
{
    if (nMasks != 0 && nMasks != n)
        fail(ErrorCode::InvalidArgument, "per-example masks: " + std::to_string(nMasks) + " given for " +
                                             std::to_string(n) + " examples");
}

HeadValues headValues(const torch::Tensor& t)
{
    auto c = t.to(torch::kCPU, torch::kFloat64).contiguous();
    HeadValues m(size_t(c.size(0)), std::vector<double>(size_t(c.size(1))));
    auto a = c.accessor<double, 2>();
    for (int64_t i = 0; i < c.size(0); ++i)
        for (int64_t j = 0; j < c.size(1); ++j)
            m[size_t(i)][size_t(j)] = a[i][j];
    return m;
}

} // namespace

const std::vector<HeadValues>& MaskGradients::of(AttentionType type) const
{
    return type == AttentionType::EncoderSelf      ? encoderSelf
           : type == AttentionType::EncoderDecoder ? encoderDecoder
                                                   : decoderSelf;
}

Result<std::vector<std::vector<std::vector<float>>>> teacherForcedLogits(const Seq2SeqModel& model,
                                                                         const std::vector<TranslationPair>& pairs,
                                                                         const TeacherForcedParams& params)
{
    return captureResult([&]() -> std::vector<std::vector<std::vector<float>>> {
        const auto& m = model.impl();
        checkPerExample(params.perExampleMasks.size(), pairs.size());
        torch::NoGradGuard noGrad;
        const auto sources = sourcesOf(pairs);
        const auto targets = targetsOf(pairs);
        std::vector<std::vector<std::vector<float>>> out(pairs.size());
        for (const auto& rows : lengthSortedBatches(sources, params.batchSize)) {
            const auto masks = makeMaskTensors(m, params.masks, params.perExampleMasks, rows, true, true);
            const auto enc = runEncoder(m, makeSourceBatch(m, sources, rows), masks.encoderSelf);
            const auto tgt = makeTargetBatch(m, targets, rows);
            const auto logits = lmLogits(m, runDecoder(m, enc, tgt.decoderInput, masks, nullptr)).to(torch::kCPU).contiguous();
            const int64_t v = logits.size(2);
            for (size_t i = 0; i < rows.size(); ++i) {
                auto& rowsOut = out[rows[i]];
                for (size_t t = 0; t < targets[rows[i]].size(); ++t) {
                    const float* p = logits[int64_t(i)][int64_t(t)].data_ptr<float>();
                    rowsOut.emplace_back(p, p + v);
                }
            }
        }
        return out;
    });
}

Result<MaskGradients> teacherForcedLossAndMaskGradients(const Seq2SeqModel& model,
                                                        const std::vector<TranslationPair>& pairs,
                                                        const MaskGradientParams& params, const Progress& progress)
{
    return captureResult([&]() -> MaskGradients {
        const auto& m = model.impl();
        torch::AutoGradMode gradMode(true);
        const auto sources = sourcesOf(pairs);
        const auto targets = targetsOf(pairs);
        MaskGradients out;
        out.exampleLosses.assign(pairs.size(), 0.0);
        const auto opts = torch::TensorOptions().dtype(torch::kFloat32).device(m.device);
        // The point at which to differentiate, [L, H] per type (ones where the mask is empty).
        torch::Tensor base[3];
        for (int i = 0; i < 3; ++i) {
            const AttentionType type = kSeq2SeqAttentionTypes[i];
            auto t = makeMaskTensors(m, params.masks, {}, {}, true, true);
            torch::Tensor v = type == AttentionType::EncoderSelf      ? t.encoderSelf
                              : type == AttentionType::EncoderDecoder ? t.encoderDecoder
                                                                      : t.decoderSelf;
            base[i] = v.defined() ? v : torch::ones({m.config.nLayers(type), m.config.nHeads(type)}, opts);
        }
        torch::Tensor shared[3];
        if (!params.perExample) {
            for (int i = 0; i < 3; ++i)
                shared[i] = base[i].clone().set_requires_grad(true);
        } else {
            for (int i = 0; i < 3; ++i)
                (i == 0 ? out.encoderSelf : i == 1 ? out.encoderDecoder : out.decoderSelf).resize(pairs.size());
        }
        int64_t done = 0;
        for (const auto& rows : lengthSortedBatches(sources, params.batchSize)) {
            const int64_t b = int64_t(rows.size());
            torch::Tensor vars[3];
            for (int i = 0; i < 3; ++i)
                vars[i] = params.perExample
                              ? base[i].unsqueeze(0).expand({b, base[i].size(0), base[i].size(1)}).clone().set_requires_grad(true)
                              : shared[i];
            Seq2SeqMaskTensors masks{vars[0], vars[1], vars[2]};
            const auto enc = runEncoder(m, makeSourceBatch(m, sources, rows), masks.encoderSelf);
            const auto tgt = makeTargetBatch(m, targets, rows);
            const auto logits = lmLogits(m, runDecoder(m, enc, tgt.decoderInput, masks, nullptr));
            const auto nll = torch::nn::functional::cross_entropy(
                                 logits.reshape({-1, logits.size(-1)}), tgt.labels.reshape({-1}),
                                 torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).reduction(torch::kNone))
                                 .view({b, -1});
            const auto counts = (tgt.labels != -100).sum(1).to(torch::kFloat32);
            const auto perExample = nll.sum(1) / counts;
            perExample.sum().backward();
            const auto losses = perExample.detach().to(torch::kCPU, torch::kFloat64);
            for (int64_t i = 0; i < b; ++i)
                out.exampleLosses[rows[size_t(i)]] = losses[i].item<double>();
            if (params.perExample) {
                for (int i = 0; i < 3; ++i) {
                    auto& dst = i == 0 ? out.encoderSelf : i == 1 ? out.encoderDecoder : out.decoderSelf;
                    const auto g = vars[i].grad();
                    for (int64_t r = 0; r < b; ++r)
                        dst[rows[size_t(r)]] = headValues(g[r]);
                }
            }
            done += b;
            if (progress && !progress(done, int64_t(pairs.size())))
                fail(ErrorCode::Cancelled, "cancelled");
        }
        if (!params.perExample) {
            out.encoderSelf = {headValues(shared[0].grad())};
            out.encoderDecoder = {headValues(shared[1].grad())};
            out.decoderSelf = {headValues(shared[2].grad())};
        }
        return out;
    });
}

size_t EncodedSources::size() const { return m_impl ? m_impl->lengths.size() : 0; }
size_t EncodedSources::nBatches() const { return m_impl ? m_impl->batches.size() : 0; }
const std::vector<int64_t>& EncodedSources::sourceLengths() const
{
    static const std::vector<int64_t> none;
    return m_impl ? m_impl->lengths : none;
}

Result<EncodedSources> encodeSources(const Seq2SeqModel& model, const std::vector<std::vector<int64_t>>& sources,
                                     const EncodeParams& params, const Progress& progress)
{
    return captureResult([&]() -> EncodedSources {
        const auto& m = model.impl();
        checkPerExample(params.perExampleMasks.size(), sources.size());
        torch::NoGradGuard noGrad;
        Seq2SeqMasks global;
        global.encoderSelf = params.encoderSelf;
        std::vector<Seq2SeqMasks> perExample;
        for (const auto& mask : params.perExampleMasks) {
            perExample.emplace_back();
            perExample.back().encoderSelf = mask;
        }
        auto impl = std::make_shared<EncodedSources::Impl>();
        impl->model = &m;
        for (const auto& s : sources)
            impl->lengths.push_back(int64_t(s.size()));
        int64_t done = 0;
        for (const auto& rows : lengthSortedBatches(sources, params.batchSize)) {
            const auto masks = makeMaskTensors(m, global, perExample, rows, true, false);
            impl->batches.push_back({rows, runEncoder(m, makeSourceBatch(m, sources, rows), masks.encoderSelf)});
            done += int64_t(rows.size());
            if (progress && !progress(done, int64_t(sources.size())))
                fail(ErrorCode::Cancelled, "cancelled");
        }
        return EncodedSources(impl);
    });
}

} // namespace headscope::core
