#pragma once
// Mapping between Hugging Face tensor names and EncoderModel::Impl (private, torch).
#include "model/detail/checkpoint_reader.h"
#include "model/detail/encoder_weights.h"

namespace headscope::core {

/// Fills the weights of impl from the checkpoint, validating every shape against impl.config.
/// Errors name the checkpoint file and the tensor.
void assignWeights(EncoderModel::Impl& impl, const Checkpoint& ckpt);
/// Removes the heads whose mask is 0 (Q/K/V rows, O columns) and records them in config.prunedHeads.
void pruneHeads(EncoderModel::Impl& impl, const HeadMask& keep);
/// Writes the weights as an F32 model.safetensors with Hugging Face names.
void writeWeights(const EncoderModel::Impl& impl, const std::string& path);

} // namespace headscope::core
