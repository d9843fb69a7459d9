#pragma once
// Text formats of mask files (HeadScope JSON, Hugging Face pruned_heads, descriptors) and helpers
// shared with mask_file.cpp. Private to core/mask; the parsers throw ErrorException naming path.
#include "mask/mask_file.h"

#include <string>
#include <utility>
#include <vector>

namespace headscope::core::mask_detail {

enum class JsonMaskKind
{
    HeadScope,   // {"format": "headscope-mask", ...}
    HuggingFace, // {"0": [1, 5]} or a config.json with "pruned_heads"
    Auto,        // HeadScope when the object has a "format" key, else Hugging Face
};

/// Parses JSON text of the given kind; nLayers/nHeads are used by Hugging Face files only.
MaskSet parseJsonMask(const std::string& text, JsonMaskKind kind, int nLayers, int nHeads,
                      const std::string& path);
/// Parses "[E|A|D:]layer:head,head ..." groups; base 0 (HeadScope) or 1 (the paper's code).
MaskSet parseDescriptorMask(const std::string& text, int nLayers, int nHeads, int base,
                            const std::string& path);

std::string headScopeJsonText(const MaskSet& set);
std::string hfPrunedHeadsText(const MaskSet& set);
std::string descriptorText(const MaskSet& set, int base);

/// "12 layers x 12 heads".
std::string shapeText(int nLayers, int nHeads);
std::vector<std::string> split(const std::string& text, char sep);
std::string trim(const std::string& s);
/// The set's shape, or the first mask's when the set has none.
std::pair<int, int> shapeOf(const MaskSet& set);
MaskSet emptySet(int nLayers, int nHeads, const std::string& path);
/// The mask of `type`, created all-kept with the set's shape when absent.
HeadMask& maskOf(MaskSet& set, AttentionType type);

} // namespace headscope::core::mask_detail
