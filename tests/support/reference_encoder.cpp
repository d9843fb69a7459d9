#include "reference_encoder.h"

#include "util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace headscope::testing {

using core::ErrorCode;
using core::fail;

namespace {

using Mat = std::vector<double>; // row-major [rows][cols]

const RefTensor& param(const TinyBertWeights& w, const std::string& stem, const char* part)
{
    return w.get(stem + part);
}

// y = x W^T + b with W [out, in] as stored by torch.nn.Linear.
Mat linear(const Mat& x, int64_t rows, int64_t in, const TinyBertWeights& w, const std::string& stem)
{
    const RefTensor& W = param(w, stem, ".weight");
    const RefTensor& b = param(w, stem, ".bias");
    if (W.shape.size() != 2 || W.shape[1] != in || b.numel() != W.shape[0])
        fail(ErrorCode::ShapeMismatch, "linear layer has an unexpected shape", {}, stem);
    const int64_t out = W.shape[0];
    Mat y(size_t(rows * out));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t o = 0; o < out; ++o) {
            double acc = b.values[size_t(o)];
            for (int64_t i = 0; i < in; ++i)
                acc += x[size_t(r * in + i)] * W.values[size_t(o * in + i)];
            y[size_t(r * out + o)] = acc;
        }
    return y;
}

// (x - mean) / sqrt(var + eps) * g + b with the biased variance, per row.
void layerNorm(Mat& x, int64_t rows, int64_t n, const TinyBertWeights& w, const std::string& stem, double eps)
{
    const RefTensor& g = param(w, stem, ".weight");
    const RefTensor& b = param(w, stem, ".bias");
    if (g.numel() != n || b.numel() != n)
        fail(ErrorCode::ShapeMismatch, "LayerNorm has an unexpected shape", {}, stem);
    for (int64_t r = 0; r < rows; ++r) {
        double* row = x.data() + r * n;
        double mean = 0;
        for (int64_t i = 0; i < n; ++i)
            mean += row[i];
        mean /= double(n);
        double var = 0;
        for (int64_t i = 0; i < n; ++i)
            var += (row[i] - mean) * (row[i] - mean);
        var /= double(n);
        const double inv = 1.0 / std::sqrt(var + eps);
        for (int64_t i = 0; i < n; ++i)
            row[i] = (row[i] - mean) * inv * g.values[size_t(i)] + b.values[size_t(i)];
    }
}

double activation(double x, const std::string& name)
{
    if (name == "gelu") return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    if (name == "gelu_new" || name == "gelu_pytorch_tanh" || name == "gelu_fast")
        return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
    if (name == "relu") return x > 0 ? x : 0.0;
    fail(ErrorCode::Unsupported, "activation not supported by the reference encoder", {}, name);
}

void checkInput(const TinyBertSpec& spec, const ReferenceInput& input, const ReferenceOptions& options)
{
    const size_t T = input.ids.size();
    if (T == 0 || T > size_t(spec.maxPositions))
        fail(ErrorCode::InvalidArgument, "reference input length must be 1..max positions", {},
             std::to_string(T));
    if (!input.typeIds.empty() && input.typeIds.size() != T)
        fail(ErrorCode::InvalidArgument, "typeIds and ids differ in length");
    for (int64_t id : input.ids)
        if (id < 0 || id >= spec.effectiveVocabSize())
            fail(ErrorCode::InvalidArgument, "token id out of the vocabulary", {}, std::to_string(id));
    for (int64_t tt : input.typeIds)
        if (tt < 0 || (!spec.isDistilBert() && tt >= spec.typeVocab))
            fail(ErrorCode::InvalidArgument, "token type id out of range", {}, std::to_string(tt));
    if (options.keyMask && options.keyMask->size() != T)
        fail(ErrorCode::InvalidArgument, "key mask and ids differ in length");
    if (options.headMask) {
        if (options.headMask->size() != size_t(spec.nLayers))
            fail(ErrorCode::ShapeMismatch, "head mask must have one row per layer");
        for (const auto& row : *options.headMask)
            if (row.size() != size_t(spec.nHeads))
                fail(ErrorCode::ShapeMismatch, "head mask rows must have one value per original head");
    }
    if (options.tokenHeadScale) {
        const auto& s = *options.tokenHeadScale;
        if (s.size() != size_t(spec.nLayers))
            fail(ErrorCode::ShapeMismatch, "token head scale must have one entry per layer");
        for (const auto& layer : s) {
            if (layer.size() != size_t(spec.nHeads))
                fail(ErrorCode::ShapeMismatch, "token head scale must have one entry per head");
            for (const auto& tokens : layer)
                if (tokens.size() != T)
                    fail(ErrorCode::ShapeMismatch, "token head scale must have one value per token");
        }
    }
}

} // namespace

HeadMaskValues allOnesHeadMask(const TinyBertSpec& spec)
{
    return HeadMaskValues(size_t(spec.nLayers), std::vector<double>(size_t(spec.nHeads), 1.0));
}

ReferenceTrace referenceForward(const TinyBertWeights& weights, const TinyBertSpec& spec,
                                const ReferenceInput& input, const ReferenceOptions& options)
{
    checkInput(spec, input, options);
    const int64_t T = int64_t(input.ids.size());
    const int64_t H = spec.hidden;
    const int64_t d = spec.headDim();
    const bool distil = spec.isDistilBert();
    const TinyModelNames names = tinyModelNames(spec);
    const auto keyAllowed = [&](int64_t k) { return !options.keyMask || (*options.keyMask)[size_t(k)] != 0; };

    ReferenceTrace trace;
    Mat x(size_t(T * H));
    const RefTensor& word = weights.get(names.wordEmb + ".weight");
    const RefTensor& pos = weights.get(names.posEmb + ".weight");
    const RefTensor* type = distil ? nullptr : &weights.get(names.typeEmb + ".weight");
    for (int64_t t = 0; t < T; ++t) {
        const int64_t tt = input.typeIds.empty() ? 0 : input.typeIds[size_t(t)];
        for (int64_t c = 0; c < H; ++c) {
            double v = word.at(input.ids[size_t(t)], c) + pos.at(t, c);
            if (!distil) v += type->at(tt, c);
            x[size_t(t * H + c)] = v;
        }
    }
    layerNorm(x, T, H, weights, names.embNorm, spec.layerNormEps);
    trace.hiddenStates.push_back(x);

    for (int l = 0; l < spec.nLayers; ++l) {
        const TinyLayerNames ln = tinyLayerNames(spec, l);
        const std::vector<int> present = spec.presentHeads(l);
        const int64_t width = int64_t(present.size()) * d;
        trace.attentionProbs.emplace_back(size_t(spec.nHeads));
        trace.headContexts.emplace_back(size_t(spec.nHeads));

        Mat attnOut(size_t(T * H));
        if (present.empty()) {
            // No heads left: the block outputs the output projection's bias only.
            const RefTensor& bo = param(weights, ln.attnOut, ".bias");
            for (int64_t t = 0; t < T; ++t)
                for (int64_t c = 0; c < H; ++c)
                    attnOut[size_t(t * H + c)] = bo.values[size_t(c)];
        } else {
            const Mat q = linear(x, T, H, weights, ln.query);
            const Mat k = linear(x, T, H, weights, ln.key);
            const Mat v = linear(x, T, H, weights, ln.value);
            if (int64_t(q.size()) != T * width)
                fail(ErrorCode::ShapeMismatch, "query rows do not match the heads present", {}, ln.query);
            Mat ctx(size_t(T * width), 0.0);
            for (size_t j = 0; j < present.size(); ++j) {
                const int h = present[j];
                const int64_t off = int64_t(j) * d;
                std::vector<std::vector<double>> probs(size_t(T), std::vector<double>(size_t(T), 0.0));
                for (int64_t a = 0; a < T; ++a) {
                    double maxScore = -std::numeric_limits<double>::infinity();
                    std::vector<double>& row = probs[size_t(a)];
                    for (int64_t b = 0; b < T; ++b) {
                        if (!keyAllowed(b)) continue;
                        double s = 0;
                        for (int64_t e = 0; e < d; ++e)
                            s += q[size_t(a * width + off + e)] * k[size_t(b * width + off + e)];
                        row[size_t(b)] = s / std::sqrt(double(d));
                        maxScore = std::max(maxScore, row[size_t(b)]);
                    }
                    double sum = 0;
                    for (int64_t b = 0; b < T; ++b) {
                        row[size_t(b)] = keyAllowed(b) ? std::exp(row[size_t(b)] - maxScore) : 0.0;
                        sum += row[size_t(b)];
                    }
                    for (double& p : row)
                        p /= sum;
                }
                std::vector<double> headCtx(size_t(T * d), 0.0);
                for (int64_t a = 0; a < T; ++a)
                    for (int64_t e = 0; e < d; ++e) {
                        double acc = 0;
                        for (int64_t b = 0; b < T; ++b)
                            acc += probs[size_t(a)][size_t(b)] * v[size_t(b * width + off + e)];
                        headCtx[size_t(a * d + e)] = acc;
                    }
                const double xi = options.headMask ? (*options.headMask)[size_t(l)][size_t(h)] : 1.0;
                for (int64_t a = 0; a < T; ++a) {
                    const double s = options.tokenHeadScale
                                         ? (*options.tokenHeadScale)[size_t(l)][size_t(h)][size_t(a)]
                                         : 1.0;
                    for (int64_t e = 0; e < d; ++e)
                        ctx[size_t(a * width + off + e)] = headCtx[size_t(a * d + e)] * xi * s;
                }
                trace.attentionProbs.back()[size_t(h)] = std::move(probs);
                trace.headContexts.back()[size_t(h)] = std::move(headCtx);
            }
            attnOut = linear(ctx, T, width, weights, ln.attnOut);
        }
        for (size_t i = 0; i < x.size(); ++i)
            x[i] += attnOut[i];
        layerNorm(x, T, H, weights, ln.attnNorm, spec.layerNormEps);

        Mat inner = linear(x, T, H, weights, ln.ffnIn);
        for (double& u : inner)
            u = activation(u, spec.hiddenAct);
        const Mat ffn = linear(inner, T, int64_t(inner.size()) / T, weights, ln.ffnOut);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] += ffn[i];
        layerNorm(x, T, H, weights, ln.ffnNorm, spec.layerNormEps);
        trace.hiddenStates.push_back(x);
    }

    // Classification head on the first token: BERT pooler (tanh), DistilBERT pre_classifier (relu).
    const Mat first(x.begin(), x.begin() + H);
    Mat pooled = linear(first, 1, H, weights, names.pooler);
    for (double& u : pooled)
        u = distil ? std::max(u, 0.0) : std::tanh(u);
    trace.logits = linear(pooled, 1, H, weights, names.classifier);
    return trace;
}

std::vector<double> referenceLogits(const TinyBertWeights& weights, const TinyBertSpec& spec,
                                    const ReferenceInput& input, const HeadMaskValues* headMask)
{
    ReferenceOptions options;
    options.headMask = headMask;
    return referenceForward(weights, spec, input, options).logits;
}

std::vector<double> referenceLogits(const TinyBertModel& model, const ReferenceInput& input,
                                    const HeadMaskValues* headMask)
{
    return referenceLogits(model.weights, model.spec, input, headMask);
}

ReferenceBatch padReferenceBatch(const std::vector<ReferenceInput>& inputs, int64_t padId, int length)
{
    size_t T = size_t(std::max(length, 0));
    for (const auto& in : inputs)
        T = std::max(T, in.ids.size());
    ReferenceBatch batch;
    for (const auto& in : inputs) {
        std::vector<int64_t> ids = in.ids;
        std::vector<int64_t> types = in.typeIds.empty() ? std::vector<int64_t>(ids.size(), 0) : in.typeIds;
        std::vector<int> mask(ids.size(), 1);
        ids.resize(T, padId);
        types.resize(T, 0);
        mask.resize(T, 0);
        batch.ids.push_back(std::move(ids));
        batch.typeIds.push_back(std::move(types));
        batch.attentionMask.push_back(std::move(mask));
    }
    return batch;
}

std::vector<std::vector<double>> referenceLogitsBatch(const TinyBertWeights& weights,
                                                      const TinyBertSpec& spec, const ReferenceBatch& batch,
                                                      const HeadMaskValues* headMask)
{
    if (batch.typeIds.size() != batch.ids.size() || batch.attentionMask.size() != batch.ids.size())
        fail(ErrorCode::InvalidArgument, "padded batch fields differ in row count");
    std::vector<std::vector<double>> out;
    for (size_t r = 0; r < batch.ids.size(); ++r) {
        if (batch.ids[r].size() != batch.ids.front().size())
            fail(ErrorCode::InvalidArgument, "padded batch rows differ in length");
        ReferenceOptions options;
        options.headMask = headMask;
        options.keyMask = &batch.attentionMask[r];
        out.push_back(referenceForward(weights, spec, {batch.ids[r], batch.typeIds[r]}, options).logits);
    }
    return out;
}

std::vector<std::vector<double>> referenceLogitsBatch(const TinyBertWeights& weights,
                                                      const TinyBertSpec& spec,
                                                      const std::vector<ReferenceInput>& inputs,
                                                      const HeadMaskValues* headMask)
{
    return referenceLogitsBatch(weights, spec, padReferenceBatch(inputs), headMask);
}

AttentionProbs referenceAttentionProbs(const TinyBertWeights& weights, const TinyBertSpec& spec,
                                       const ReferenceInput& input, const HeadMaskValues* headMask)
{
    ReferenceOptions options;
    options.headMask = headMask;
    return referenceForward(weights, spec, input, options).attentionProbs;
}

double referenceLoss(const std::vector<double>& logits, int label)
{
    if (label < 0 || size_t(label) >= logits.size())
        fail(ErrorCode::InvalidArgument, "label out of range", {}, std::to_string(label));
    const double m = *std::max_element(logits.begin(), logits.end());
    double sum = 0;
    for (double z : logits)
        sum += std::exp(z - m);
    return m + std::log(sum) - logits[size_t(label)];
}

double referenceLoss(const TinyBertWeights& weights, const TinyBertSpec& spec, const ReferenceInput& input,
                     int label, const HeadMaskValues* headMask)
{
    return referenceLoss(referenceLogits(weights, spec, input, headMask), label);
}

HeadMaskValues referenceMaskGradient(const TinyBertWeights& weights, const TinyBertSpec& spec,
                                     const ReferenceInput& input, int label, const HeadMaskValues* headMask,
                                     double step)
{
    const HeadMaskValues base = headMask ? *headMask : allOnesHeadMask(spec);
    HeadMaskValues grad(size_t(spec.nLayers), std::vector<double>(size_t(spec.nHeads), 0.0));
    for (int l = 0; l < spec.nLayers; ++l)
        for (int h : spec.presentHeads(l)) {
            HeadMaskValues m = base;
            m[size_t(l)][size_t(h)] = base[size_t(l)][size_t(h)] + step;
            const double up = referenceLoss(weights, spec, input, label, &m);
            m[size_t(l)][size_t(h)] = base[size_t(l)][size_t(h)] - step;
            const double down = referenceLoss(weights, spec, input, label, &m);
            grad[size_t(l)][size_t(h)] = (up - down) / (2 * step);
        }
    return grad;
}

std::vector<std::vector<std::vector<double>>> referenceTokenHeadGradient(const TinyBertWeights& weights,
                                                                         const TinyBertSpec& spec,
                                                                         const ReferenceInput& input,
                                                                         int label, double step)
{
    const size_t T = input.ids.size();
    std::vector<std::vector<std::vector<double>>> scale(
        size_t(spec.nLayers),
        std::vector<std::vector<double>>(size_t(spec.nHeads), std::vector<double>(T, 1.0)));
    std::vector<std::vector<std::vector<double>>> grad(size_t(spec.nLayers),
                                                       std::vector<std::vector<double>>(size_t(spec.nHeads)));
    const auto loss = [&] {
        ReferenceOptions options;
        options.tokenHeadScale = &scale;
        return referenceLoss(referenceForward(weights, spec, input, options).logits, label);
    };
    for (int l = 0; l < spec.nLayers; ++l)
        for (int h : spec.presentHeads(l)) {
            auto& g = grad[size_t(l)][size_t(h)];
            g.resize(T);
            for (size_t t = 0; t < T; ++t) {
                double& s = scale[size_t(l)][size_t(h)][t];
                s = 1.0 + step;
                const double up = loss();
                s = 1.0 - step;
                const double down = loss();
                s = 1.0;
                g[t] = (up - down) / (2 * step);
            }
        }
    return grad;
}

} // namespace headscope::testing
