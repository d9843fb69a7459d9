#pragma once
// EncoderModel::Impl: the weights as torch tensors. Private to the torch-using core files.
#include "model/encoder_model.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

struct EncoderLayerWeights
{
    std::vector<int> heads;       // original indices of the heads present, ascending
    torch::Tensor wQkv, bQkv;     // fused [3 * nPresent * d, hidden]: Q rows, then K, then V
    torch::Tensor wO, bO;         // [hidden, nPresent * d], [hidden]
    torch::Tensor ln1G, ln1B;     // after attention (BERT attention.output.LayerNorm / sa_layer_norm)
    torch::Tensor w1, b1, w2, b2; // feed-forward
    torch::Tensor ln2G, ln2B;     // after the feed-forward
    int nPresent() const { return int(heads.size()); }
};

struct EncoderModel::Impl
{
    ModelConfig config;
    WordPieceTokenizer tokenizer;
    std::string directory;
    std::string weightsFile;
    std::vector<std::string> ignoredTensors;
    double loadSeconds = 0.0;

    torch::Device device{torch::kCPU};
    Precision precision = Precision::Float32;
    torch::ScalarType dtype = torch::kFloat32; // of the weights and activations

    torch::Tensor wordEmb, posEmb, typeEmb, embLnG, embLnB; // typeEmb undefined for DistilBERT
    std::vector<EncoderLayerWeights> layers;
    torch::Tensor poolW, poolB; // BERT pooler / DistilBERT pre_classifier
    torch::Tensor clsW, clsB;

    int headDim() const { return config.headDim(); }
    int hidden() const { return config.hiddenSize; }
    bool isDistil() const { return config.architecture == Architecture::DistilBert; }
    int64_t parameterCount() const;
    /// A deep copy converted to another device / dtype.
    std::unique_ptr<Impl> convertedTo(torch::Device device, Precision precision) const;
};

torch::ScalarType scalarTypeOf(Precision p);
/// Parses "cpu", "cuda", "cuda:1"; errors for unknown names or CUDA without a device.
torch::Device parseDevice(const std::string& name);

} // namespace headscope::core
