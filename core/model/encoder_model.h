#pragma once
// A loaded BERT-family sequence classifier: immutable weights shared between threads.
//
//   LoadOptions opt; opt.device = "cpu"; opt.precision = Precision::Float32;
//   auto model = EncoderModel::load("models/sst2", opt);
//   if (!model) return model.error();
//   HeadMask mask = (*model)->fullMask();
//
// The model is const after loading; every analysis takes it by const reference and keeps its
// per-run state (activations, masks, caches) to itself, so one model can serve several
// threads. Forward passes themselves live in the analysis functions (core/analysis).
#include "io/model_config.h"
#include "mask/head_mask.h"
#include "text/wordpiece_tokenizer.h"
#include "util/result.h"

#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

enum class Precision { Float32, BFloat16, Float16 };
const char* precisionName(Precision p); // "fp32", "bf16", "fp16"
bool parsePrecision(const std::string& name, Precision& out);

struct LoadOptions
{
    std::string device = "cpu"; // "cpu", "cuda", "cuda:N"
    Precision precision = Precision::Float32;
    int nThreads = 0;           // 0: every usable core (LibTorch would default to one here)
};

class EncoderModel
{
public:
    struct Impl; // torch weights, defined in model/detail/encoder_weights.h

    /// Loads config.json, the weights (model.safetensors, sharded safetensors, or a zip-format
    /// pytorch_model.bin) and the tokenizer from a Hugging Face model folder.
    static Result<std::shared_ptr<const EncoderModel>> load(const std::string& dir, const LoadOptions& options = {});

    const std::string& directory() const;
    const std::string& weightsFile() const;
    const ModelConfig& config() const;
    const WordPieceTokenizer& tokenizer() const;

    int nLayers() const;
    int nHeads() const;                   // heads per layer before any pruning
    std::vector<int> headsPerLayer() const; // heads present now
    /// All present heads kept; heads pruned structurally (HF pruned_heads) are 0.
    HeadMask fullMask() const;
    /// True when (layer, head) exists in the weights (not structurally pruned).
    bool hasHead(int layer, int head) const;
    int64_t parameterCount() const;
    int64_t weightBytes() const;
    std::string deviceName() const;
    Precision precision() const;
    double loadSeconds() const;
    /// Tensors in the checkpoint that the model does not use (position_ids buffers, ...).
    const std::vector<std::string>& ignoredTensors() const;

    /// The same weights on another device and/or precision (a copy).
    Result<std::shared_ptr<const EncoderModel>> to(const std::string& device, Precision precision) const;
    /// A structurally pruned copy: heads with mask 0 are removed (rows of W_Q, W_K, W_V and
    /// their biases, columns of W_O). A layer may lose all its heads.
    Result<std::shared_ptr<const EncoderModel>> pruned(const HeadMask& keep) const;
    /// Writes a Hugging Face folder: model.safetensors (fp32) + config.json with pruned_heads
    /// + the tokenizer files copied from the source folder.
    Result<bool> save(const std::string& dir) const;

    const Impl& impl() const { return *m_impl; }
    explicit EncoderModel(std::unique_ptr<Impl> impl);
    ~EncoderModel();

private:
    std::unique_ptr<Impl> m_impl;
};

/// Sets LibTorch's intra-op thread count (0: usable cores). Process-wide.
void setTorchThreads(int nThreads);
int torchThreads();
/// True when LibTorch was built with CUDA and a device is present.
bool cudaAvailable();
int cudaDeviceCount();

} // namespace headscope::core
