#include "mask/detail/mask_formats.h"

#include "util/json_error_text.h"
#include "util/json_nesting.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <tuple>

namespace headscope::core::mask_detail {

namespace {

using nlohmann::json;

constexpr const char* kFormatTag = "headscope-mask";
constexpr int kFormatVersion = 1;
constexpr AttentionType kAllTypes[] = {AttentionType::EncoderSelf, AttentionType::EncoderDecoder,
                                       AttentionType::DecoderSelf};

[[noreturn]] void invalid(const std::string& path, std::string message, std::string detail = {})
{
    fail(ErrorCode::InvalidFile, std::move(message), path, std::move(detail));
}

// A non-negative decimal index ("0", "12"); nullopt for anything else.
std::optional<int> parseIndex(const std::string& s)
{
    if (s.empty() || s.size() > 9 ||
        !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
    return std::stoi(s);
}

// Marks (layer, head) pruned after a range check; `base` is 1 for the paper's numbering so that
// messages quote the numbers as the user wrote them.
void markPruned(MaskSet& set, AttentionType type, int64_t layer, int64_t head, int base, ErrorCode code,
                const std::string& path)
{
    const int64_t l = layer - base;
    const int64_t h = head - base;
    if (l < 0 || l >= set.nLayers || h < 0 || h >= set.nHeads) {
        const char* what = (l < 0 || l >= set.nLayers) ? "layer" : "head";
        fail(code,
             std::string(what) + " out of range: layer " + std::to_string(layer) + ", head " +
                 std::to_string(head) + " (" + attentionTypeName(type) + "), the " +
                 (code == ErrorCode::ShapeMismatch ? "model" : "mask") + " has " +
                 shapeText(set.nLayers, set.nHeads),
             path,
             base == 1 ? "paper descriptors count layers and heads from 1" : "layers and heads count from 0");
    }
    maskOf(set, type).setKept(int(l), int(h), false);
}

void requireShape(int nLayers, int nHeads, const std::string& path, const char* what)
{
    if (nLayers <= 0 || nHeads <= 0)
        fail(ErrorCode::InvalidArgument,
             std::string("the model's number of layers and heads is needed to read ") + what, path,
             "got " + shapeText(nLayers, nHeads));
}

json parseJson(const std::string& text, const std::string& path)
{
    checkJsonNesting(text, path, "the mask file");
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        invalid(path, "not valid JSON", jsonErrorText(e));
    }
}

int64_t jsonIndex(const json& v, const std::string& path, const std::string& where)
{
    if (!v.is_number_integer()) invalid(path, "head indices must be integers", where + ": " + v.dump());
    return v.get<int64_t>();
}

// {"<layer>": [heads...], ...} into `type` of set.
void readLayerMap(const json& layers, MaskSet& set, AttentionType type, ErrorCode rangeCode,
                  const std::string& path, const std::string& where)
{
    if (!layers.is_object()) invalid(path, where + " must be an object of layer -> head list");
    maskOf(set, type);
    for (const auto& [key, heads] : layers.items()) {
        const auto layer = parseIndex(key);
        if (!layer) invalid(path, "'" + key + "' is not a layer index", where);
        if (!heads.is_array()) invalid(path, "the heads of layer " + key + " must be a list", where);
        for (const json& head : heads)
            markPruned(set, type, *layer, jsonIndex(head, path, where + ", layer " + key), 0, rangeCode,
                       path);
    }
}

int positiveInt(const json& obj, const char* key, const std::string& path)
{
    auto it = obj.find(key);
    if (it == obj.end() || !it->is_number_integer() || it->get<int64_t>() <= 0 ||
        it->get<int64_t>() > (1 << 20))
        invalid(path, std::string("\"model\" needs a positive integer \"") + key + "\"");
    return int(it->get<int64_t>());
}

MaskSet headscopeFromJson(const json& root, const std::string& path)
{
    if (!root.is_object()) invalid(path, "a mask file must hold a JSON object");
    auto format = root.find("format");
    if (format == root.end() || !format->is_string() || format->get<std::string>() != kFormatTag)
        invalid(path, "not a HeadScope mask file", "expected \"format\": \"headscope-mask\"");
    auto version = root.find("version");
    if (version == root.end() || !version->is_number_integer() || version->get<int64_t>() < 1)
        invalid(path, "the mask file has no valid \"version\"");
    if (version->get<int64_t>() > kFormatVersion)
        fail(ErrorCode::Unsupported, "the mask file was written by a newer HeadScope", path,
             "format version " + std::to_string(version->get<int64_t>()) + ", this build reads version " +
                 std::to_string(kFormatVersion));

    auto model = root.find("model");
    if (model == root.end() || !model->is_object()) invalid(path, "the mask file has no \"model\" object");
    MaskSet set = emptySet(positiveInt(*model, "layers", path), positiveInt(*model, "heads", path), path);
    if (auto arch = model->find("architecture"); arch != model->end()) {
        if (!arch->is_string()) invalid(path, "\"model\".\"architecture\" must be a string");
        set.architecture = arch->get<std::string>();
    }

    auto pruned = root.find("pruned");
    if (pruned == root.end()) return set;
    if (!pruned->is_object()) invalid(path, "\"pruned\" must be an object keyed by attention type");
    for (const auto& [typeName, layers] : pruned->items()) {
        AttentionType type;
        if (!parseAttentionType(typeName, type))
            invalid(path, "unknown attention type \"" + typeName + "\"",
                    "expected encoder_self, encoder_decoder or decoder_self");
        readLayerMap(layers, set, type, ErrorCode::InvalidFile, path, "\"pruned\".\"" + typeName + "\"");
    }
    return set;
}

// The config keys holding the shape, Hugging Face's names first, then DistilBERT's.
int configInt(const json& config, const char* key, const char* altKey)
{
    for (const char* k : {key, altKey}) {
        auto it = config.find(k);
        if (it != config.end() && it->is_number_integer()) return int(it->get<int64_t>());
    }
    return 0;
}

MaskSet hfFromJson(const json& root, int nLayers, int nHeads, const std::string& path)
{
    if (!root.is_object()) invalid(path, "pruned_heads must be a JSON object of layer -> head list");
    const json* map = &root;
    std::string architecture = "bert";
    const bool allIndices = std::all_of(root.items().begin(), root.items().end(),
                                        [](const auto& item) { return parseIndex(item.key()).has_value(); });
    if (!allIndices) {
        const bool looksLikeConfig = root.contains("pruned_heads") || root.contains("model_type") ||
                                     root.contains("architectures") || root.contains("num_hidden_layers") ||
                                     root.contains("n_layers");
        if (!looksLikeConfig)
            invalid(path, "neither a HeadScope mask, a pruned_heads map nor a config.json",
                    "expected {\"format\": \"headscope-mask\", ...}, {\"0\": [1, 5]} or a config with "
                    "\"pruned_heads\"");
        if (nLayers <= 0) nLayers = configInt(root, "num_hidden_layers", "n_layers");
        if (nHeads <= 0) nHeads = configInt(root, "num_attention_heads", "n_heads");
        if (auto type = root.find("model_type"); type != root.end() && type->is_string())
            architecture = type->get<std::string>();
        static const json kNone = json::object();
        auto pruned = root.find("pruned_heads");
        map = pruned != root.end() ? &*pruned : &kNone;
    }
    requireShape(nLayers, nHeads, path, "Hugging Face pruned_heads");
    MaskSet set = emptySet(nLayers, nHeads, path);
    set.architecture = architecture;
    readLayerMap(*map, set, AttentionType::EncoderSelf, ErrorCode::ShapeMismatch, path, "pruned_heads");
    return set;
}

std::string joinHeads(const std::vector<int>& heads, int base, const char* sep)
{
    std::string out;
    for (size_t i = 0; i < heads.size(); ++i)
        out += (i ? sep : "") + std::to_string(heads[i] + base);
    return out;
}

std::string layerMapJson(const HeadMask& mask)
{
    std::string out = "{";
    bool first = true;
    const auto perLayer = mask.maskedPerLayer();
    for (size_t l = 0; l < perLayer.size(); ++l) {
        if (perLayer[l].empty()) continue;
        out += (first ? "\"" : ", \"") + std::to_string(l) + "\": [" + joinHeads(perLayer[l], 0, ", ") + "]";
        first = false;
    }
    return out + "}";
}

} // namespace

std::string shapeText(int nLayers, int nHeads)
{
    return std::to_string(nLayers) + " layers x " + std::to_string(nHeads) + " heads";
}

std::vector<std::string> split(const std::string& text, char sep)
{
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        const size_t end = text.find(sep, start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string::npos) return parts;
        start = end + 1;
    }
}

std::string trim(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// The shape writers use: the set's own, or the first mask's when the set has none.
std::pair<int, int> shapeOf(const MaskSet& set)
{
    if ((set.nLayers <= 0 || set.nHeads <= 0) && !set.masks.empty())
        return {set.masks.begin()->second.nLayers(), set.masks.begin()->second.nHeads()};
    return {set.nLayers, set.nHeads};
}

MaskSet emptySet(int nLayers, int nHeads, const std::string& path)
{
    MaskSet set;
    set.nLayers = nLayers;
    set.nHeads = nHeads;
    set.sourcePath = path;
    return set;
}

HeadMask& maskOf(MaskSet& set, AttentionType type)
{
    auto it = set.masks.find(type);
    if (it == set.masks.end()) it = set.masks.emplace(type, HeadMask(set.nLayers, set.nHeads)).first;
    return it->second;
}

MaskSet parseJsonMask(const std::string& text, JsonMaskKind kind, int nLayers, int nHeads,
                      const std::string& path)
{
    const json root = parseJson(text, path);
    // A "format" key means HeadScope's own file, even a broken one: its errors are clearer.
    if (kind == JsonMaskKind::HeadScope ||
        (kind == JsonMaskKind::Auto && root.is_object() && root.contains("format")))
        return headscopeFromJson(root, path);
    return hfFromJson(root, nLayers, nHeads, path);
}

MaskSet parseDescriptorMask(const std::string& text, int nLayers, int nHeads, int base,
                            const std::string& path)
{
    requireShape(nLayers, nHeads, path, "a head descriptor");
    MaskSet set = emptySet(nLayers, nHeads, path);
    std::istringstream words(text);
    std::string group;
    bool typed = false;
    std::vector<std::tuple<AttentionType, int, int>> heads;
    while (words >> group) {
        const auto parts = split(group, ':');
        const std::string shape = base == 1 ? "[E|A|D:]layer:head,head (1-based)" : "[E|A|D:]layer:head,head";
        if (parts.size() != 2 && parts.size() != 3)
            invalid(path, "bad head descriptor group '" + group + "'", "expected " + shape);
        AttentionType type = AttentionType::EncoderSelf;
        if (parts.size() == 3) {
            typed = true;
            const std::string& t = parts[0];
            if (t == "E" || t == "e")
                type = AttentionType::EncoderSelf;
            else if (t == "A" || t == "a")
                type = AttentionType::EncoderDecoder;
            else if (t == "D" || t == "d")
                type = AttentionType::DecoderSelf;
            else
                invalid(path, "unknown attention type '" + t + "' in descriptor group '" + group + "'",
                        "expected E (encoder self), A (encoder-decoder) or D (decoder self)");
        }
        const auto layer = parseIndex(parts[parts.size() - 2]);
        if (!layer) invalid(path, "bad layer in head descriptor group '" + group + "'", "expected " + shape);
        for (const std::string& h : split(parts.back(), ',')) {
            const auto head = parseIndex(h);
            if (!head)
                invalid(path, "bad head '" + h + "' in head descriptor group '" + group + "'",
                        "expected " + shape);
            heads.emplace_back(type, *layer, *head);
        }
    }
    // Any typed group marks a translation model: then all three types belong to the set.
    maskOf(set, AttentionType::EncoderSelf);
    if (typed)
        for (AttentionType t : kAllTypes)
            maskOf(set, t);
    for (const auto& [type, layer, head] : heads)
        markPruned(set, type, layer, head, base, ErrorCode::ShapeMismatch, path);
    return set;
}

std::string descriptorText(const MaskSet& set, int base)
{
    const bool typed = std::any_of(set.masks.begin(), set.masks.end(),
                                   [](const auto& m) { return m.first != AttentionType::EncoderSelf; });
    std::string out;
    for (const auto& [type, mask] : set.masks) {
        const char* prefix = !typed                                  ? ""
                             : type == AttentionType::EncoderSelf    ? "E:"
                             : type == AttentionType::EncoderDecoder ? "A:"
                                                                     : "D:";
        const auto perLayer = mask.maskedPerLayer();
        for (size_t l = 0; l < perLayer.size(); ++l) {
            if (perLayer[l].empty()) continue;
            if (!out.empty()) out += ' ';
            out += prefix + std::to_string(int(l) + base) + ":" + joinHeads(perLayer[l], base, ",");
        }
    }
    return out;
}

std::string headScopeJsonText(const MaskSet& set)
{
    const auto [nLayers, nHeads] = shapeOf(set);
    std::string out = "{\n  \"format\": \"" + std::string(kFormatTag) +
                      "\",\n  \"version\": " + std::to_string(kFormatVersion) +
                      ",\n  \"model\": {\"architecture\": " +
                      json(set.architecture).dump(-1, ' ', false, json::error_handler_t::replace) +
                      ", \"layers\": " + std::to_string(nLayers) + ", \"heads\": " + std::to_string(nHeads) +
                      "},\n  \"pruned\": {";
    bool first = true;
    for (const auto& [type, mask] : set.masks) {
        out += std::string(first ? "\n" : ",\n") + "    \"" + attentionTypeName(type) +
               "\": " + layerMapJson(mask);
        first = false;
    }
    out += first ? "}\n}\n" : "\n  }\n}\n";
    return out;
}

std::string hfPrunedHeadsText(const MaskSet& set)
{
    auto it = set.masks.find(AttentionType::EncoderSelf);
    if (it == set.masks.end()) return "{}";
    std::string out = layerMapJson(it->second);
    out.erase(std::remove(out.begin(), out.end(), ' '), out.end());
    return out;
}

} // namespace headscope::core::mask_detail
