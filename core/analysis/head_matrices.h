#pragma once
// One [layer][head] matrix per attention type of a translation model (importance, BLEU with a
// head masked, p-values, ...), keyed as masks are.
//
//   HeadMatrices bleu = HeadMatrices::filled(model, NAN);
//   bleu.of(AttentionType::DecoderSelf)[1][2] = 71.2;
#include "analysis/importance.h"
#include "mask/head_mask.h"
#include "mask/seq2seq_masks.h"

namespace headscope::core {

struct HeadMatrices
{
    Matrix encoderSelf;    // [encoder layers][heads]
    Matrix encoderDecoder; // [decoder layers][heads]
    Matrix decoderSelf;    // [decoder layers][heads]

    const Matrix& of(AttentionType type) const
    {
        return type == AttentionType::EncoderSelf ? encoderSelf
               : type == AttentionType::EncoderDecoder ? encoderDecoder
                                                        : decoderSelf;
    }
    Matrix& of(AttentionType type) { return const_cast<Matrix&>(static_cast<const HeadMatrices*>(this)->of(type)); }

    /// Matrices of the masks' shapes, every cell set to value.
    static HeadMatrices filled(const Seq2SeqMasks& shapes, double value)
    {
        HeadMatrices m;
        for (AttentionType t : kSeq2SeqAttentionTypes) {
            const HeadMask& s = shapes.of(t);
            m.of(t).assign(size_t(s.nLayers()), std::vector<double>(size_t(s.nHeads()), value));
        }
        return m;
    }
};

} // namespace headscope::core
