#pragma once
// Which heads of one attention type are kept (1) or masked/pruned (0), in original indices.
//
//   HeadMask m(12, 12);        // all heads kept
//   m.setKept(3, 0, false);    // mask layer 3, head 0
#include <cstdint>
#include <string>
#include <vector>

namespace headscope::core {

enum class AttentionType { EncoderSelf, EncoderDecoder, DecoderSelf };
/// "encoder_self", "encoder_decoder", "decoder_self".
const char* attentionTypeName(AttentionType type);
/// Parses the names above; false when unknown.
bool parseAttentionType(const std::string& name, AttentionType& out);

struct HeadId
{
    AttentionType type = AttentionType::EncoderSelf;
    int layer = 0;
    int head = 0;
    bool operator==(const HeadId& o) const { return type == o.type && layer == o.layer && head == o.head; }
};

class HeadMask
{
public:
    HeadMask() = default;
    HeadMask(int nLayers, int nHeads, bool kept = true);

    int nLayers() const { return m_nLayers; }
    int nHeads() const { return m_nHeads; }
    bool empty() const { return m_nLayers == 0; }

    bool isKept(int layer, int head) const { return m_keep[index(layer, head)] != 0; }
    void setKept(int layer, int head, bool kept) { m_keep[index(layer, head)] = kept ? 1 : 0; }
    void setLayerKept(int layer, bool kept);

    int countMasked() const;
    int countKept() const { return m_nLayers * m_nHeads - countMasked(); }
    int countKeptInLayer(int layer) const;
    /// Masked head indices per layer (every layer present, possibly empty).
    std::vector<std::vector<int>> maskedPerLayer() const;
    /// Row-major [layer][head] values 1.0f (kept) / 0.0f (masked).
    std::vector<float> toFloats() const;

    bool operator==(const HeadMask& o) const;
    bool operator!=(const HeadMask& o) const { return !(*this == o); }

private:
    size_t index(int layer, int head) const { return size_t(layer) * size_t(m_nHeads) + size_t(head); }
    int m_nLayers = 0;
    int m_nHeads = 0;
    std::vector<uint8_t> m_keep;
};

} // namespace headscope::core
