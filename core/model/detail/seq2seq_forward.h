#pragma once
// The Marian encoder-decoder forward pass (private, torch): encoder, decoder with a key/value
// cache, LM head. Head masks follow transformers v4: the mask multiplies each head's
// attention probabilities after the softmax, which equals scaling the head's context.
#include "model/detail/seq2seq_weights.h"
#include "model/encoded_sources.h"

#include <torch/torch.h>

#include <vector>

namespace headscope::core {

/// Mask variables per attention type: undefined (all ones), [L, H] or per row [B, L, H],
/// float on the model's device, in original head indices. May require grad.
struct Seq2SeqMaskTensors
{
    torch::Tensor encoderSelf, encoderDecoder, decoderSelf;

    /// Rows [B, L, H] selected (per-row masks only; global ones are returned unchanged).
    Seq2SeqMaskTensors selectRows(const torch::Tensor& rows) const;
};

/// Tensors of masks: global ones [L, H]; per-example ones (non-empty perExample, indexed by
/// rows) [rows.size(), L, H]. Empty HeadMasks give undefined tensors.
Seq2SeqMaskTensors makeMaskTensors(const Seq2SeqModel::Impl& model, const Seq2SeqMasks& global,
                                   const std::vector<Seq2SeqMasks>& perExample, const std::vector<size_t>& rows,
                                   bool encoderSide, bool decoderSide);

/// A right-padded batch of source ids on the model's device.
struct SourceBatch
{
    torch::Tensor ids;        // [B, S] int64
    torch::Tensor keyPadding; // [B, S] bool, true at padding
};

SourceBatch makeSourceBatch(const Seq2SeqModel::Impl& model, const std::vector<std::vector<int64_t>>& sources,
                            const std::vector<size_t>& rows);

/// The encoder's output and, once computed, the cross-attention keys/values of every decoder layer.
struct EncoderOutput
{
    torch::Tensor hidden;     // [B, S, D]
    torch::Tensor keyPadding; // [B, S] bool
    bool padded = false;      // any padding at all (else no key mask is applied)
    std::vector<torch::Tensor> crossK, crossV; // per decoder layer [B, nPresent, S, d]

    EncoderOutput selectRows(const torch::Tensor& rows) const;
};

EncoderOutput runEncoder(const Seq2SeqModel::Impl& model, const SourceBatch& batch, const torch::Tensor& mask);
/// Fills crossK/crossV from hidden (once per batch, reused by every decoding step).
void computeCrossKeysValues(const Seq2SeqModel::Impl& model, EncoderOutput& enc);

/// Decoder self-attention keys/values of the tokens seen so far, per layer [B, nPresent, T, d].
struct DecoderCache
{
    std::vector<torch::Tensor> k, v;
    int64_t length = 0;

    void selectRows(const torch::Tensor& rows);
};

/// Decoder hidden states [B, T, D] for tokens [B, T] at positions cache->length.. (0.. without
/// a cache). With a cache the new keys/values are appended to it.
torch::Tensor runDecoder(const Seq2SeqModel::Impl& model, const EncoderOutput& enc, const torch::Tensor& tokens,
                         const Seq2SeqMaskTensors& masks, DecoderCache* cache);
/// Logits [.., V] (float32) of decoder hidden states: tied LM head + final_logits_bias.
torch::Tensor lmLogits(const Seq2SeqModel::Impl& model, const torch::Tensor& hidden);

/// Teacher forcing: decoder input = [decoder_start] + labels[:-1], labels padded with -100.
struct TargetBatch
{
    torch::Tensor decoderInput; // [B, T] int64 (pad id after the end)
    torch::Tensor labels;       // [B, T] int64, -100 after the end
};

TargetBatch makeTargetBatch(const Seq2SeqModel::Impl& model, const std::vector<std::vector<int64_t>>& targets,
                            const std::vector<size_t>& rows);

/// Encoder states of every batch, rows in the caller's order of sources.
struct EncodedSources::Impl
{
    struct Batch
    {
        std::vector<size_t> rows; // source indices of the batch's rows
        EncoderOutput encoder;    // hidden states; cross keys/values are computed per decode
    };
    const Seq2SeqModel::Impl* model = nullptr; // the model that encoded them (checked by decode)
    std::vector<Batch> batches;
    std::vector<int64_t> lengths;
};

/// Source indices in batches of at most batchSize, longest first (less padding).
std::vector<std::vector<size_t>> lengthSortedBatches(const std::vector<std::vector<int64_t>>& sources, int batchSize);

} // namespace headscope::core
