#pragma once
// A loaded Hugging Face MarianMT translation model: immutable weights shared between threads.
//
//   auto model = Seq2SeqModel::load("models/opus-mt-en-de");   // LoadOptions as EncoderModel
//   if (!model) return model.error();
//   auto ids = (*model)->tokenizer().encodeSource("Hello world.");
//   auto out = translate(**model, {ids}, DecodeParams{});       // core/model/seq2seq_inference.h
//
// The model is const after loading; forward passes, decoding and mask gradients live in
// seq2seq_inference.h and keep their per-run state (caches, masks) to themselves.
#include "io/seq2seq_config.h"
#include "mask/seq2seq_masks.h"
#include "model/encoder_model.h"
#include "text/marian_tokenizer.h"
#include "util/result.h"

#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

class Seq2SeqModel
{
public:
    struct Impl; // torch weights, defined in model/detail/seq2seq_weights.h

    /// Loads config.json (+ generation_config.json), model.safetensors (or the other checkpoint
    /// formats EncoderModel reads), source.spm, target.spm and vocab.json. Errors name the file.
    static Result<std::shared_ptr<const Seq2SeqModel>> load(const std::string& dir, const LoadOptions& options = {});

    const std::string& directory() const;
    const std::string& weightsFile() const;
    const Seq2SeqConfig& config() const;
    const MarianTokenizer& tokenizer() const;

    int nLayers(AttentionType type) const;
    int nHeads(AttentionType type) const; // per layer, before any pruning
    /// Heads present now (after structural pruning) per layer.
    std::vector<int> headsPerLayer(AttentionType type) const;
    bool hasHead(AttentionType type, int layer, int head) const;
    /// Every present head kept, structurally pruned heads 0, for all three types.
    Seq2SeqMasks fullMasks() const;
    int64_t parameterCount() const;
    std::string deviceName() const;
    Precision precision() const;
    double loadSeconds() const;
    /// Checkpoint tensors the model does not use (tied copies such as lm_head.weight, ...).
    const std::vector<std::string>& ignoredTensors() const;

    /// The same weights on another device and/or precision (a copy).
    Result<std::shared_ptr<const Seq2SeqModel>> to(const std::string& device, Precision precision) const;
    /// A structurally pruned copy: heads with mask 0 lose their rows of W_Q, W_K, W_V (and
    /// biases) and their columns of W_O, per attention type; empty masks prune nothing.
    Result<std::shared_ptr<const Seq2SeqModel>> pruned(const Seq2SeqMasks& keep) const;
    /// Writes a Hugging Face folder: model.safetensors (fp32, or fp16 with f16; HF names),
    /// config.json (with "headscope_pruned_heads" when pruned) and the tokenizer files copied
    /// from the source.
    Result<bool> save(const std::string& dir, bool f16 = false) const;

    const Impl& impl() const { return *m_impl; }
    explicit Seq2SeqModel(std::unique_ptr<Impl> impl);
    ~Seq2SeqModel();

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace headscope::core
