#pragma once
// The trainable BERT sequence classifier (post-LN layers, erf gelu, tanh pooler), with its
// weights held under their Hugging Face names so that saving needs no renaming table.
// Private to core/train (torch).
#include "io/model_config.h"

#include <torch/torch.h>

#include <string>
#include <utility>
#include <vector>

namespace headscope::core {

class BertClassifierNet : public torch::nn::Module
{
public:
    /// Fresh weights: normal(0, initStd) matrices and embeddings, zero biases, LayerNorm 1 / 0
    /// (BERT's initialisation with initStd 0.02), drawn from torch's global generator.
    BertClassifierNet(const ModelConfig& config, double dropout, double initStd);

    /// Logits [B, labels]; keyMask is [B, T] float, 1 for tokens and 0 for padding. Dropout
    /// is active in training mode only.
    torch::Tensor forward(const torch::Tensor& inputIds, const torch::Tensor& tokenTypeIds,
                          const torch::Tensor& keyMask);

    /// Every weight with its Hugging Face name, in a fixed order.
    const std::vector<std::pair<std::string, torch::Tensor>>& namedWeights() const { return m_named; }
    /// Weights that AdamW decays (matrices and embeddings) and those it does not (biases, LayerNorm).
    std::vector<torch::Tensor> decayedWeights() const;
    std::vector<torch::Tensor> undecayedWeights() const;
    const ModelConfig& config() const { return m_config; }

private:
    enum class Init { Normal, Zeros, Ones };
    torch::Tensor add(const std::string& hfName, std::vector<int64_t> shape, Init init);

    struct Layer
    {
        torch::Tensor wq, bq, wk, bk, wv, bv, wo, bo, ln1g, ln1b, w1, b1, w2, b2, ln2g, ln2b;
    };

    ModelConfig m_config;
    double m_dropout;
    double m_initStd;
    std::vector<std::pair<std::string, torch::Tensor>> m_named;
    torch::Tensor m_wordEmb, m_posEmb, m_typeEmb, m_embLnG, m_embLnB;
    std::vector<Layer> m_layers;
    torch::Tensor m_poolW, m_poolB, m_clsW, m_clsB;
};

} // namespace headscope::core
