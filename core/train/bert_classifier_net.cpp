#include "train/detail/bert_classifier_net.h"

#include <cmath>

namespace headscope::core {

BertClassifierNet::BertClassifierNet(const ModelConfig& config, double dropout, double initStd)
    : m_config(config), m_dropout(dropout), m_initStd(initStd)
{
    const int64_t h = config.hiddenSize, inter = config.intermediateSize;
    m_wordEmb = add("bert.embeddings.word_embeddings.weight", {config.vocabSize, h}, Init::Normal);
    m_posEmb = add("bert.embeddings.position_embeddings.weight", {config.maxPositionEmbeddings, h}, Init::Normal);
    m_typeEmb = add("bert.embeddings.token_type_embeddings.weight", {config.typeVocabSize, h}, Init::Normal);
    m_embLnG = add("bert.embeddings.LayerNorm.weight", {h}, Init::Ones);
    m_embLnB = add("bert.embeddings.LayerNorm.bias", {h}, Init::Zeros);
    for (int l = 0; l < config.nLayers; ++l) {
        const std::string p = "bert.encoder.layer." + std::to_string(l) + ".";
        Layer L;
        L.wq = add(p + "attention.self.query.weight", {h, h}, Init::Normal);
        L.bq = add(p + "attention.self.query.bias", {h}, Init::Zeros);
        L.wk = add(p + "attention.self.key.weight", {h, h}, Init::Normal);
        L.bk = add(p + "attention.self.key.bias", {h}, Init::Zeros);
        L.wv = add(p + "attention.self.value.weight", {h, h}, Init::Normal);
        L.bv = add(p + "attention.self.value.bias", {h}, Init::Zeros);
        L.wo = add(p + "attention.output.dense.weight", {h, h}, Init::Normal);
        L.bo = add(p + "attention.output.dense.bias", {h}, Init::Zeros);
        L.ln1g = add(p + "attention.output.LayerNorm.weight", {h}, Init::Ones);
        L.ln1b = add(p + "attention.output.LayerNorm.bias", {h}, Init::Zeros);
        L.w1 = add(p + "intermediate.dense.weight", {inter, h}, Init::Normal);
        L.b1 = add(p + "intermediate.dense.bias", {inter}, Init::Zeros);
        L.w2 = add(p + "output.dense.weight", {h, inter}, Init::Normal);
        L.b2 = add(p + "output.dense.bias", {h}, Init::Zeros);
        L.ln2g = add(p + "output.LayerNorm.weight", {h}, Init::Ones);
        L.ln2b = add(p + "output.LayerNorm.bias", {h}, Init::Zeros);
        m_layers.push_back(L);
    }
    m_poolW = add("bert.pooler.dense.weight", {h, h}, Init::Normal);
    m_poolB = add("bert.pooler.dense.bias", {h}, Init::Zeros);
    m_clsW = add("classifier.weight", {config.nLabels, h}, Init::Normal);
    m_clsB = add("classifier.bias", {config.nLabels}, Init::Zeros);
}

torch::Tensor BertClassifierNet::add(const std::string& hfName, std::vector<int64_t> shape, Init init)
{
    torch::Tensor t;
    switch (init) {
    case Init::Normal: t = torch::randn(shape) * m_initStd; break;
    case Init::Zeros: t = torch::zeros(shape); break;
    case Init::Ones: t = torch::ones(shape); break;
    }
    // Module parameter names may not contain dots.
    std::string key = hfName;
    for (char& c : key)
        if (c == '.')
            c = '_';
    t = register_parameter(key, t);
    m_named.emplace_back(hfName, t);
    return t;
}

std::vector<torch::Tensor> BertClassifierNet::decayedWeights() const
{
    std::vector<torch::Tensor> out;
    for (const auto& [name, t] : m_named)
        if (t.dim() > 1)
            out.push_back(t);
    return out;
}

std::vector<torch::Tensor> BertClassifierNet::undecayedWeights() const
{
    std::vector<torch::Tensor> out;
    for (const auto& [name, t] : m_named)
        if (t.dim() <= 1)
            out.push_back(t);
    return out;
}

torch::Tensor BertClassifierNet::forward(const torch::Tensor& inputIds, const torch::Tensor& tokenTypeIds,
                                         const torch::Tensor& keyMask)
{
    const bool train = is_training();
    const double eps = m_config.layerNormEps;
    const int64_t b = inputIds.size(0), t = inputIds.size(1);
    const int64_t nHeads = m_config.nHeads, d = m_config.headDim(), hidden = m_config.hiddenSize;
    auto drop = [&](const torch::Tensor& x) { return torch::dropout(x, m_dropout, train); };

    auto positions = torch::arange(t, torch::TensorOptions().dtype(torch::kLong).device(inputIds.device()));
    torch::Tensor x = torch::embedding(m_wordEmb, inputIds) + torch::embedding(m_posEmb, positions).unsqueeze(0) +
                      torch::embedding(m_typeEmb, tokenTypeIds);
    x = drop(torch::layer_norm(x, {hidden}, m_embLnG, m_embLnB, eps));

    // Padding keys get -10000 before the softmax, as the reference BERT code and HeadScope's
    // own forward do.
    const torch::Tensor keyBias = ((1.0 - keyMask) * -10000.0).view({b, 1, 1, t});
    const double scale = 1.0 / std::sqrt(double(d));
    for (const Layer& L : m_layers) {
        auto heads = [&](const torch::Tensor& w, const torch::Tensor& bias) {
            return torch::linear(x, w, bias).view({b, t, nHeads, d}).transpose(1, 2);
        };
        const auto q = heads(L.wq, L.bq), k = heads(L.wk, L.bk), v = heads(L.wv, L.bv);
        auto probs = torch::softmax(torch::matmul(q, k.transpose(-1, -2)) * scale + keyBias, -1);
        auto ctx = torch::matmul(drop(probs), v).transpose(1, 2).reshape({b, t, hidden});
        x = torch::layer_norm(x + drop(torch::linear(ctx, L.wo, L.bo)), {hidden}, L.ln1g, L.ln1b, eps);
        auto ff = torch::linear(torch::gelu(torch::linear(x, L.w1, L.b1)), L.w2, L.b2);
        x = torch::layer_norm(x + drop(ff), {hidden}, L.ln2g, L.ln2b, eps);
    }
    auto pooled = torch::tanh(torch::linear(x.select(1, 0), m_poolW, m_poolB));
    return torch::linear(drop(pooled), m_clsW, m_clsB);
}

} // namespace headscope::core
