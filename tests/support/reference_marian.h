#pragma once
// Float64 reference forward of the tiny Marian models: plain loops, no LibTorch, written from
// HF's MarianMTModel equations (post-norm layers, sinusoidal positions with sin in the first
// half and cos in the second, scaled embeddings, tied LM head + final_logits_bias), so engine
// tests have an oracle independent of the engine.
//
//   TinyMarianModel m = makeTinyMarian(spec);
//   MarianMaskValues masks;                              // empty matrices: all ones
//   masks.encoderDecoder = {{1, 1, 1, 1}, {1, 0, 1, 1}}; // mask cross-attention head 1:1
//   auto logits = referenceMarianLogits(m, src, {m.padId, 7, 12}, &masks);  // [t][vocab]
//
// A mask value multiplies the head's attention probabilities after the softmax (transformers v4).
// Errors (bad ids, sizes) throw headscope::core::ErrorException.
#include "reference_encoder.h"
#include "tiny_marian_writer.h"

#include <cstdint>
#include <vector>

namespace headscope::testing {

struct MarianMaskValues
{
    HeadMaskValues encoderSelf, encoderDecoder, decoderSelf; // [layer][head]; empty: all ones
};

/// Logits [position][vocab] for the decoder input tokens, given one unpadded source.
std::vector<std::vector<double>> referenceMarianLogits(const TinyMarianModel& model, const std::vector<int64_t>& source,
                                                       const std::vector<int64_t>& decoderInput,
                                                       const MarianMaskValues* masks = nullptr);
/// Mean cross-entropy of labels under teacher forcing (decoder input = [start] + labels[:-1]).
double referenceMarianLoss(const TinyMarianModel& model, const std::vector<int64_t>& source,
                           const std::vector<int64_t>& labels, const MarianMaskValues* masks = nullptr);
/// dLoss/dξ for every head of every type at ξ = masks (all ones when nullptr), by central
/// differences with the given step.
MarianMaskValues referenceMarianMaskGradient(const TinyMarianModel& model, const std::vector<int64_t>& source,
                                             const std::vector<int64_t>& labels, const MarianMaskValues* masks = nullptr,
                                             double step = 1e-4);
/// Greedy decoding with HF generate() semantics: start token, pad banned, </s> forced at
/// maxLength - 1, stop at </s>. Returns the ids with the start token first.
std::vector<int64_t> referenceMarianGreedy(const TinyMarianModel& model, const std::vector<int64_t>& source,
                                           int maxLength, const MarianMaskValues* masks = nullptr);

} // namespace headscope::testing
