#include "reference_marian.h"

#include "util/error.h"

#include <cmath>
#include <limits>

namespace headscope::testing {

using core::ErrorCode;
using core::fail;

namespace {

// Row-major [rows][cols] matrix of doubles.
struct Mat
{
    int64_t rows = 0, cols = 0;
    std::vector<double> v;
    Mat(int64_t r, int64_t c) : rows(r), cols(c), v(size_t(r * c), 0.0) {}
    double& at(int64_t r, int64_t c) { return v[size_t(r * cols + c)]; }
    double at(int64_t r, int64_t c) const { return v[size_t(r * cols + c)]; }
};

// y = x W^T + b with W [out][in] as stored by HF.
Mat linear(const Mat& x, const RefTensor& w, const RefTensor& b)
{
    const int64_t out = w.shape[0], in = w.shape[1];
    if (x.cols != in)
        fail(ErrorCode::InvalidArgument, "reference Marian: shape mismatch in a linear layer");
    Mat y(x.rows, out);
    for (int64_t t = 0; t < x.rows; ++t)
        for (int64_t o = 0; o < out; ++o) {
            double s = b.values[size_t(o)];
            for (int64_t i = 0; i < in; ++i)
                s += x.at(t, i) * w.values[size_t(o * in + i)];
            y.at(t, o) = s;
        }
    return y;
}

Mat layerNorm(const Mat& x, const RefTensor& g, const RefTensor& b)
{
    Mat y(x.rows, x.cols);
    for (int64_t t = 0; t < x.rows; ++t) {
        double mean = 0, var = 0;
        for (int64_t c = 0; c < x.cols; ++c)
            mean += x.at(t, c);
        mean /= double(x.cols);
        for (int64_t c = 0; c < x.cols; ++c)
            var += (x.at(t, c) - mean) * (x.at(t, c) - mean);
        var /= double(x.cols);
        const double inv = 1.0 / std::sqrt(var + 1e-5);
        for (int64_t c = 0; c < x.cols; ++c)
            y.at(t, c) = (x.at(t, c) - mean) * inv * g.values[size_t(c)] + b.values[size_t(c)];
    }
    return y;
}

double activation(double x, const std::string& name)
{
    if (name == "swish" || name == "silu")
        return x / (1.0 + std::exp(-x));
    if (name == "relu")
        return x > 0 ? x : 0.0;
    return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); // gelu
}

Mat add(const Mat& a, const Mat& b)
{
    Mat y = a;
    for (size_t i = 0; i < y.v.size(); ++i)
        y.v[i] += b.v[i];
    return y;
}

// Multi-head attention of queries x over keys/values kv, ξ on the probabilities.
Mat attention(const TinyMarianModel& m, const std::string& p, const Mat& x, const Mat& kv, bool causal,
              const std::vector<double>* xi)
{
    const int64_t h = m.spec.nHeads, d = m.spec.headDim();
    const Mat q = linear(x, m.get(p + "q_proj.weight"), m.get(p + "q_proj.bias"));
    const Mat k = linear(kv, m.get(p + "k_proj.weight"), m.get(p + "k_proj.bias"));
    const Mat v = linear(kv, m.get(p + "v_proj.weight"), m.get(p + "v_proj.bias"));
    Mat ctx(x.rows, h * d);
    const double scale = 1.0 / std::sqrt(double(d));
    for (int64_t head = 0; head < h; ++head) {
        const double factor = xi ? (*xi)[size_t(head)] : 1.0;
        for (int64_t i = 0; i < x.rows; ++i) {
            const int64_t nKeys = causal ? i + 1 : kv.rows;
            std::vector<double> scores(static_cast<size_t>(nKeys));
            double best = -std::numeric_limits<double>::infinity();
            for (int64_t j = 0; j < nKeys; ++j) {
                double s = 0;
                for (int64_t e = 0; e < d; ++e)
                    s += q.at(i, head * d + e) * k.at(j, head * d + e);
                scores[size_t(j)] = s * scale;
                best = std::max(best, scores[size_t(j)]);
            }
            double sum = 0;
            for (auto& s : scores)
                sum += (s = std::exp(s - best));
            for (int64_t j = 0; j < nKeys; ++j) {
                const double prob = factor * scores[size_t(j)] / sum;
                for (int64_t e = 0; e < d; ++e)
                    ctx.at(i, head * d + e) += prob * v.at(j, head * d + e);
            }
        }
    }
    return linear(ctx, m.get(p + "out_proj.weight"), m.get(p + "out_proj.bias"));
}

Mat feedForward(const TinyMarianModel& m, const std::string& p, const Mat& x)
{
    Mat h = linear(x, m.get(p + "fc1.weight"), m.get(p + "fc1.bias"));
    for (auto& e : h.v)
        e = activation(e, m.spec.activation);
    return layerNorm(add(x, linear(h, m.get(p + "fc2.weight"), m.get(p + "fc2.bias"))),
                     m.get(p + "final_layer_norm.weight"), m.get(p + "final_layer_norm.bias"));
}

Mat embed(const TinyMarianModel& m, const std::vector<int64_t>& ids)
{
    const int64_t dm = m.spec.dModel, half = dm / 2;
    const RefTensor& table = m.get("model.shared.weight");
    const double scale = m.spec.scaleEmbedding ? std::sqrt(double(dm)) : 1.0;
    Mat x(int64_t(ids.size()), dm);
    for (int64_t t = 0; t < x.rows; ++t) {
        const int64_t id = ids[size_t(t)];
        if (id < 0 || id >= m.vocabSize())
            fail(ErrorCode::InvalidArgument, "reference Marian: token id outside the vocabulary");
        for (int64_t c = 0; c < dm; ++c) {
            const int64_t j = c < half ? c : c - half;
            const double angle = double(t) / std::pow(10000.0, double(2 * j) / double(dm));
            const double pos = double(float(c < half ? std::sin(angle) : std::cos(angle)));
            x.at(t, c) = table.at(id, c) * scale + pos;
        }
    }
    return x;
}

const std::vector<double>* maskRow(const HeadMaskValues& mask, int layer)
{
    return mask.empty() ? nullptr : &mask[size_t(layer)];
}

} // namespace

std::vector<std::vector<double>> referenceMarianLogits(const TinyMarianModel& m, const std::vector<int64_t>& source,
                                                       const std::vector<int64_t>& decoderInput,
                                                       const MarianMaskValues* masks)
{
    static const MarianMaskValues none;
    const MarianMaskValues& mk = masks ? *masks : none;
    Mat enc = embed(m, source);
    for (int l = 0; l < m.spec.encoderLayers; ++l) {
        const std::string p = "model.encoder.layers." + std::to_string(l) + ".";
        enc = layerNorm(add(enc, attention(m, p + "self_attn.", enc, enc, false, maskRow(mk.encoderSelf, l))),
                        m.get(p + "self_attn_layer_norm.weight"), m.get(p + "self_attn_layer_norm.bias"));
        enc = feedForward(m, p, enc);
    }
    Mat x = embed(m, decoderInput);
    for (int l = 0; l < m.spec.decoderLayers; ++l) {
        const std::string p = "model.decoder.layers." + std::to_string(l) + ".";
        x = layerNorm(add(x, attention(m, p + "self_attn.", x, x, true, maskRow(mk.decoderSelf, l))),
                      m.get(p + "self_attn_layer_norm.weight"), m.get(p + "self_attn_layer_norm.bias"));
        x = layerNorm(add(x, attention(m, p + "encoder_attn.", x, enc, false, maskRow(mk.encoderDecoder, l))),
                      m.get(p + "encoder_attn_layer_norm.weight"), m.get(p + "encoder_attn_layer_norm.bias"));
        x = feedForward(m, p, x);
    }
    const RefTensor& table = m.get("model.shared.weight");
    const RefTensor& bias = m.get("final_logits_bias");
    std::vector<std::vector<double>> logits(size_t(x.rows), std::vector<double>(size_t(m.vocabSize())));
    for (int64_t t = 0; t < x.rows; ++t)
        for (int64_t w = 0; w < m.vocabSize(); ++w) {
            double s = bias.values[size_t(w)];
            for (int64_t c = 0; c < x.cols; ++c)
                s += x.at(t, c) * table.at(w, c);
            logits[size_t(t)][size_t(w)] = s;
        }
    return logits;
}

double referenceMarianLoss(const TinyMarianModel& m, const std::vector<int64_t>& source,
                           const std::vector<int64_t>& labels, const MarianMaskValues* masks)
{
    std::vector<int64_t> input = {m.padId};
    input.insert(input.end(), labels.begin(), labels.end() - 1);
    const auto logits = referenceMarianLogits(m, source, input, masks);
    double total = 0;
    for (size_t t = 0; t < labels.size(); ++t) {
        double best = -std::numeric_limits<double>::infinity();
        for (double z : logits[t])
            best = std::max(best, z);
        double sum = 0;
        for (double z : logits[t])
            sum += std::exp(z - best);
        total += best + std::log(sum) - logits[t][size_t(labels[t])];
    }
    return total / double(labels.size());
}

MarianMaskValues referenceMarianMaskGradient(const TinyMarianModel& m, const std::vector<int64_t>& source,
                                             const std::vector<int64_t>& labels, const MarianMaskValues* masks,
                                             double step)
{
    MarianMaskValues point;
    if (masks)
        point = *masks;
    auto ones = [&](HeadMaskValues& v, int layers) {
        if (v.empty())
            v.assign(size_t(layers), std::vector<double>(size_t(m.spec.nHeads), 1.0));
    };
    ones(point.encoderSelf, m.spec.encoderLayers);
    ones(point.encoderDecoder, m.spec.decoderLayers);
    ones(point.decoderSelf, m.spec.decoderLayers);
    MarianMaskValues grad = point;
    for (HeadMaskValues MarianMaskValues::*type :
         {&MarianMaskValues::encoderSelf, &MarianMaskValues::encoderDecoder, &MarianMaskValues::decoderSelf}) {
        for (size_t l = 0; l < (point.*type).size(); ++l)
            for (size_t h = 0; h < (point.*type)[l].size(); ++h) {
                MarianMaskValues plus = point, minus = point;
                (plus.*type)[l][h] += step;
                (minus.*type)[l][h] -= step;
                (grad.*type)[l][h] = (referenceMarianLoss(m, source, labels, &plus) -
                                      referenceMarianLoss(m, source, labels, &minus)) /
                                     (2 * step);
            }
    }
    return grad;
}

std::vector<int64_t> referenceMarianGreedy(const TinyMarianModel& m, const std::vector<int64_t>& source, int maxLength,
                                           const MarianMaskValues* masks)
{
    std::vector<int64_t> ids = {m.padId};
    while (int(ids.size()) < maxLength) {
        const auto logits = referenceMarianLogits(m, source, ids, masks).back();
        int64_t best = -1;
        for (int64_t w = 0; w < int64_t(logits.size()); ++w) {
            if (w == m.padId)
                continue; // bad_words_ids
            if (int(ids.size()) == maxLength - 1 && w != m.eosId)
                continue; // forced </s> at the last position
            if (best < 0 || logits[size_t(w)] > logits[size_t(best)])
                best = w;
        }
        ids.push_back(best);
        if (best == m.eosId)
            break;
    }
    return ids;
}

} // namespace headscope::testing
