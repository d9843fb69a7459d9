#pragma once
// Seq2SeqModel::Impl: the Marian weights as torch tensors. Private to the torch-using core files.
#include "model/seq2seq_model.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

struct Checkpoint;

/// One multi-head attention block with the LayerNorm that follows its residual.
struct Seq2SeqAttentionWeights
{
    std::vector<int> heads;   // original indices of the heads present, ascending
    torch::Tensor wQkv, bQkv; // fused [3 * nPresent * d, D]: Q rows, then K, then V
    torch::Tensor wO, bO;     // [D, nPresent * d], [D]
    torch::Tensor lnG, lnB;   // LayerNorm after the residual
    int nPresent() const { return int(heads.size()); }
};

struct Seq2SeqLayerWeights
{
    Seq2SeqAttentionWeights self;
    Seq2SeqAttentionWeights cross; // decoder layers only
    torch::Tensor w1, b1, w2, b2;  // feed-forward
    torch::Tensor lnG, lnB;        // final_layer_norm
};

struct Seq2SeqModel::Impl
{
    Seq2SeqConfig config;
    MarianTokenizer tokenizer;
    std::string directory;
    std::string weightsFile;
    std::vector<std::string> ignoredTensors;
    double loadSeconds = 0.0;

    torch::Device device{torch::kCPU};
    Precision precision = Precision::Float32;
    torch::ScalarType dtype = torch::kFloat32;

    torch::Tensor encoderEmbedding, decoderEmbedding; // [V, D]; the same tensor when shared
    torch::Tensor lmHead;                             // [V, D]; tied to decoderEmbedding
    torch::Tensor finalLogitsBias;                    // [V]
    torch::Tensor encoderPositions, decoderPositions; // [maxPositions, D] sinusoidal
    std::vector<Seq2SeqLayerWeights> encoder, decoder;

    int headDim() const { return config.headDim(); }
    double embedScale() const;
    const Seq2SeqAttentionWeights& attention(AttentionType type, int layer) const;
    int64_t parameterCount() const;
    std::unique_ptr<Impl> convertedTo(torch::Device device, Precision precision) const;
};

/// Fills the weights from a checkpoint, validating every shape against impl.config.
void assignSeq2SeqWeights(Seq2SeqModel::Impl& impl, const Checkpoint& ckpt);
/// HF's static Marian positions: sin in the first half of the columns, cos in the second.
torch::Tensor marianSinusoidalPositions(int64_t nPositions, int64_t dim);

} // namespace headscope::core
