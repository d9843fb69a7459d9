#include "mask/seq2seq_mask_file.h"

namespace headscope::core {

Result<Seq2SeqMasks> readSeq2SeqMaskFile(const std::string& path, const Seq2SeqMasks& shapes)
{
    const HeadMask& encoder = shapes.of(AttentionType::EncoderSelf);
    auto set = readMaskFile(path, encoder.nLayers(), encoder.nHeads());
    if (!set)
        return set.error();
    Seq2SeqMasks masks = shapes;
    for (AttentionType t : kSeq2SeqAttentionTypes) {
        if (set->masks.find(t) == set->masks.end())
            continue;
        const HeadMask& shape = shapes.of(t);
        auto given = set->maskFor(t, shape.nLayers(), shape.nHeads());
        if (!given)
            return given.error();
        for (int l = 0; l < given->nLayers(); ++l)
            for (int h = 0; h < given->nHeads(); ++h)
                if (!given->isKept(l, h))
                    masks.of(t).setKept(l, h, false);
    }
    return masks;
}

Result<bool> writeSeq2SeqMaskFile(const std::string& path, const Seq2SeqMasks& masks, MaskFormat format)
{
    if (format != MaskFormat::HeadScopeJson && format != MaskFormat::Descriptor)
        return Error{ErrorCode::InvalidArgument,
                     std::string("a translation model's mask holds three attention types: write it as json or "
                                 "descriptor, not ") + maskFormatName(format),
                     path, {}};
    MaskSet set;
    set.architecture = "marian";
    const HeadMask& encoder = masks.of(AttentionType::EncoderSelf);
    set.nLayers = encoder.nLayers();
    set.nHeads = encoder.nHeads();
    for (AttentionType t : kSeq2SeqAttentionTypes)
        if (masks.of(t).nLayers() > 0)
            set.masks[t] = masks.of(t);
    return writeMaskFile(path, set, format);
}

} // namespace headscope::core
