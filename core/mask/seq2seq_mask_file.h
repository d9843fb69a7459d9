#pragma once
// Mask files of translation models: the three attention types in one file (JSON or a typed
// descriptor such as "E:0:1 A:1:1"), read into and written from Seq2SeqMasks.
//
//   auto masks = readSeq2SeqMaskFile("mask.json", model.fullMasks());  // shapes of the model
//   writeSeq2SeqMaskFile("mine.json", masks, MaskFormat::HeadScopeJson);
#include "mask/mask_file.h"
#include "mask/seq2seq_masks.h"
#include "util/result.h"

#include <string>

namespace headscope::core {

/// Reads a mask file for a model whose full masks are `shapes` (every head kept, pruned heads
/// 0). Types the file does not list keep every head (a CSV or .npy holds encoder
/// self-attention only); a type whose shape differs from the model's is an error naming the
/// file and both shapes.
Result<Seq2SeqMasks> readSeq2SeqMaskFile(const std::string& path, const Seq2SeqMasks& shapes);
/// Writes the three masks (architecture "marian") in a format that holds several types:
/// json or descriptor.
Result<bool> writeSeq2SeqMaskFile(const std::string& path, const Seq2SeqMasks& masks, MaskFormat format);

} // namespace headscope::core
