#pragma once
// The head masks of a translation model, one per attention type.
//
//   Seq2SeqMasks masks;                                   // empty masks: every head kept
//   masks.encoderDecoder = HeadMask(6, 8);
//   masks.encoderDecoder.setKept(5, 1, false);            // mask cross-attention head 5:1
#include "mask/head_mask.h"

namespace headscope::core {

struct Seq2SeqMasks
{
    HeadMask encoderSelf;    // [encoder layers][heads]; empty = all kept
    HeadMask encoderDecoder; // [decoder layers][heads]
    HeadMask decoderSelf;    // [decoder layers][heads]

    const HeadMask& of(AttentionType type) const
    {
        return type == AttentionType::EncoderSelf ? encoderSelf
               : type == AttentionType::EncoderDecoder ? encoderDecoder
                                                        : decoderSelf;
    }
    HeadMask& of(AttentionType type) { return const_cast<HeadMask&>(static_cast<const Seq2SeqMasks*>(this)->of(type)); }
    /// True when no head of any type is masked.
    bool allKept() const
    {
        return encoderSelf.countMasked() == 0 && encoderDecoder.countMasked() == 0 && decoderSelf.countMasked() == 0;
    }
};

/// The three attention types in the order HeadScope lists them.
constexpr AttentionType kSeq2SeqAttentionTypes[] = {AttentionType::EncoderSelf, AttentionType::EncoderDecoder,
                                                    AttentionType::DecoderSelf};

} // namespace headscope::core
