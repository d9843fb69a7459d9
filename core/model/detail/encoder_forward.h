#pragma once
// The encoder forward pass shared by every analysis. Private to torch-using core files.
#include "model/detail/encoder_weights.h"

#include <torch/torch.h>

#include <vector>

namespace headscope::core {

struct EncodedDataset;

/// One padded batch on the model's device.
struct EncoderBatch
{
    torch::Tensor inputIds;      // [B, T] int64
    torch::Tensor tokenTypeIds;  // [B, T] int64
    torch::Tensor attentionMask; // [B, T] float (1 token, 0 padding)
    torch::Tensor labels;        // [B] int64 (-1 when unknown)
    std::vector<size_t> indices; // dataset indices of the rows
    int64_t nTokens = 0;         // non-padding tokens
};

EncoderBatch makeEncoderBatch(const EncoderModel::Impl& model, const EncodedDataset& data,
                              const std::vector<size_t>& indices);

struct ForwardRequest
{
    /// Head mask over original head indices: [L, H] or per example [B, L, H]; undefined = all 1.
    torch::Tensor headMask;
    /// Per-token mask variables for the paper-code importance: per layer [B, nPresent, T]
    /// multiplying each head's context at each token (requires grad). Empty = none.
    std::vector<torch::Tensor> tokenHeadGates;
    bool recordAttention = false;   // probabilities of every layer, [B, nPresent, T, T]
    int startLayer = 0;             // > 0: begin at this layer from startHidden
    torch::Tensor startHidden;      // [B, T, hidden] input of startLayer
    int stopLayer = -1;             // < 0: all layers; else stop before this layer and return hidden
    std::vector<torch::Tensor>* layerInputs = nullptr; // receives the input of each layer run
};

struct ForwardOutput
{
    torch::Tensor logits;                 // [B, C] float32 (undefined when stopLayer >= 0)
    torch::Tensor hidden;                 // final hidden states [B, T, hidden]; [B, 1, hidden] ([CLS] row
                                          // only) when the last layer ran for the logits alone
    std::vector<torch::Tensor> attention; // when recorded, per layer
};

ForwardOutput encoderForward(const EncoderModel::Impl& model, const EncoderBatch& batch, const ForwardRequest& request);

/// Embeddings (word + position + type, LayerNorm) of a batch.
torch::Tensor encoderEmbeddings(const EncoderModel::Impl& model, const EncoderBatch& batch);
/// The classification head on the final hidden states ([CLS] token), float32 logits.
torch::Tensor classifierHead(const EncoderModel::Impl& model, const torch::Tensor& hidden);

} // namespace headscope::core
