#include "mask/head_mask.h"

namespace headscope::core {

const char* attentionTypeName(AttentionType type)
{
    switch (type) {
    case AttentionType::EncoderSelf:
        return "encoder_self";
    case AttentionType::EncoderDecoder:
        return "encoder_decoder";
    case AttentionType::DecoderSelf:
        return "decoder_self";
    }
    return "encoder_self";
}

bool parseAttentionType(const std::string& name, AttentionType& out)
{
    for (auto t : {AttentionType::EncoderSelf, AttentionType::EncoderDecoder, AttentionType::DecoderSelf}) {
        if (name == attentionTypeName(t)) {
            out = t;
            return true;
        }
    }
    return false;
}

HeadMask::HeadMask(int nLayers, int nHeads, bool kept)
    : m_nLayers(nLayers), m_nHeads(nHeads), m_keep(size_t(nLayers) * size_t(nHeads), kept ? 1 : 0)
{
}

void HeadMask::setLayerKept(int layer, bool kept)
{
    for (int h = 0; h < m_nHeads; ++h)
        setKept(layer, h, kept);
}

int HeadMask::countMasked() const
{
    int n = 0;
    for (auto k : m_keep)
        n += k ? 0 : 1;
    return n;
}

int HeadMask::countKeptInLayer(int layer) const
{
    int n = 0;
    for (int h = 0; h < m_nHeads; ++h)
        n += isKept(layer, h) ? 1 : 0;
    return n;
}

std::vector<std::vector<int>> HeadMask::maskedPerLayer() const
{
    std::vector<std::vector<int>> out(static_cast<size_t>(m_nLayers));
    for (int l = 0; l < m_nLayers; ++l)
        for (int h = 0; h < m_nHeads; ++h)
            if (!isKept(l, h)) out[size_t(l)].push_back(h);
    return out;
}

std::vector<float> HeadMask::toFloats() const
{
    std::vector<float> out(m_keep.size());
    for (size_t i = 0; i < m_keep.size(); ++i)
        out[i] = m_keep[i] ? 1.0f : 0.0f;
    return out;
}

bool HeadMask::operator==(const HeadMask& o) const
{
    return m_nLayers == o.m_nLayers && m_nHeads == o.m_nHeads && m_keep == o.m_keep;
}

} // namespace headscope::core
