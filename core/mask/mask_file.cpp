#include "mask/mask_file.h"

#include "mask/detail/mask_formats.h"
#include "mask/detail/npy_matrix.h"
#include "util/atomic_file.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace headscope::core {

using namespace mask_detail;

namespace {

[[noreturn]] void invalid(const std::string& path, std::string message, std::string detail = {})
{
    fail(ErrorCode::InvalidFile, std::move(message), path, std::move(detail));
}

std::string lowerExtension(const std::string& path)
{
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return ext;
}

MaskSet setFromMatrix(const std::vector<double>& values, int64_t rows, int64_t cols, const std::string& path)
{
    MaskSet set = emptySet(int(rows), int(cols), path);
    HeadMask& mask = maskOf(set, AttentionType::EncoderSelf);
    for (int64_t l = 0; l < rows; ++l) {
        for (int64_t h = 0; h < cols; ++h) {
            const double v = values[size_t(l * cols + h)];
            if (v != 0.0 && v != 1.0) {
                std::ostringstream value;
                value << v;
                invalid(path, "mask values must be 0 (pruned) or 1 (kept)",
                        "value " + value.str() + " at layer " + std::to_string(l) + ", head " +
                            std::to_string(h));
            }
            mask.setKept(int(l), int(h), v == 1.0);
        }
    }
    return set;
}

// Csv/Npy/HF hold encoder self-attention only: refuse to drop other pruned heads silently.
void requireEncoderOnly(const MaskSet& set, const char* format, const std::string& path)
{
    for (const auto& [type, mask] : set.masks)
        if (type != AttentionType::EncoderSelf && mask.countMasked() > 0)
            fail(ErrorCode::Unsupported,
                 std::string(format) + " mask files hold encoder self-attention heads only", path,
                 std::string(attentionTypeName(type)) + " has pruned heads; use JSON or a descriptor");
}

HeadMask encoderMask(const MaskSet& set)
{
    auto it = set.masks.find(AttentionType::EncoderSelf);
    if (it != set.masks.end()) return it->second;
    const auto [nLayers, nHeads] = shapeOf(set);
    return HeadMask(nLayers, nHeads);
}

std::string readWholeFile(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) fail(ErrorCode::FileNotFound, "mask file not found", path);
    if (std::filesystem::is_directory(path, ec)) invalid(path, "expected a mask file, found a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) invalid(path, "cannot open the mask file", std::strerror(errno));
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) invalid(path, "cannot read the mask file", std::strerror(errno));
    return buffer.str();
}

std::optional<MaskFormat> formatFromExtension(const std::string& path)
{
    const std::string ext = lowerExtension(path);
    if (ext == ".json") return MaskFormat::HeadScopeJson;
    if (ext == ".txt" || ext == ".desc") return MaskFormat::Descriptor;
    if (ext == ".csv") return MaskFormat::Csv;
    if (ext == ".npy") return MaskFormat::Npy;
    return std::nullopt;
}

// For unknown extensions: numpy magic, a JSON object, a descriptor (has ':') or else CSV.
MaskFormat sniffFormat(const std::string& bytes)
{
    if (bytes.compare(0, 6, "\x93NUMPY") == 0) return MaskFormat::Npy;
    const std::string text = trim(bytes);
    if (!text.empty() && text[0] == '{') return MaskFormat::HeadScopeJson;
    if (text.find(':') != std::string::npos || text.empty()) return MaskFormat::Descriptor;
    return MaskFormat::Csv;
}

// "0", "1", "0.0", "1.000": parsed by hand because strtod follows the C locale, which Qt sets
// from the environment (a German locale would stop at the '.').
std::optional<double> csvValue(const std::string& field)
{
    if (field.empty() || (field[0] != '0' && field[0] != '1')) return std::nullopt;
    if (field.size() > 1 && (field[1] != '.' || field.find_first_not_of('0', 2) != std::string::npos))
        return std::nullopt;
    return field[0] == '1' ? 1.0 : 0.0;
}

MaskSet csvMask(const std::string& text, const std::string& path)
{
    std::vector<double> values;
    int64_t rows = 0;
    int64_t cols = 0;
    int lineNo = 0;
    for (const std::string& rawLine : split(text, '\n')) {
        ++lineNo;
        const std::string line = trim(rawLine);
        if (line.empty()) continue;
        const auto fields = split(line, ',');
        if (rows == 0)
            cols = int64_t(fields.size());
        else if (int64_t(fields.size()) != cols)
            invalid(path, "ragged CSV mask: every row needs one value per head",
                    "line " + std::to_string(lineNo) + " has " + std::to_string(fields.size()) +
                        " values, the first row " + std::to_string(cols));
        for (const std::string& rawField : fields) {
            const std::string field = trim(rawField);
            const auto v = csvValue(field);
            if (!v)
                invalid(path, "CSV mask values must be 0 (pruned) or 1 (kept)",
                        "line " + std::to_string(lineNo) + ": '" + field + "'");
            values.push_back(*v);
        }
        ++rows;
    }
    if (rows == 0) invalid(path, "the CSV mask has no rows");
    return setFromMatrix(values, rows, cols, path);
}

MaskSet npyMask(const std::string& bytes, const std::string& path)
{
    const NpyMatrix m = parseNpyMatrix(bytes, path);
    return setFromMatrix(m.values, m.rows, m.cols, path);
}

} // namespace

const char* maskFormatName(MaskFormat f)
{
    switch (f) {
    case MaskFormat::HeadScopeJson:
        return "json";
    case MaskFormat::HfPrunedHeads:
        return "hf";
    case MaskFormat::Descriptor:
        return "descriptor";
    case MaskFormat::PaperDescriptor:
        return "paper";
    case MaskFormat::Csv:
        return "csv";
    case MaskFormat::Npy:
        return "npy";
    }
    return "json";
}

bool parseMaskFormat(const std::string& s, MaskFormat& out)
{
    for (auto f : {MaskFormat::HeadScopeJson, MaskFormat::HfPrunedHeads, MaskFormat::Descriptor,
                   MaskFormat::PaperDescriptor, MaskFormat::Csv, MaskFormat::Npy}) {
        if (s == maskFormatName(f)) {
            out = f;
            return true;
        }
    }
    return false;
}

const std::vector<std::string>& maskFormatNames()
{
    static const std::vector<std::string> names{"json", "hf", "descriptor", "paper", "csv", "npy"};
    return names;
}

MaskFormat maskFormatFromPath(const std::string& path)
{
    return formatFromExtension(path).value_or(MaskFormat::HeadScopeJson);
}

Result<HeadMask> MaskSet::maskFor(AttentionType type, int modelLayers, int modelHeads) const
{
    if (modelLayers <= 0 || modelHeads <= 0)
        return Error{ErrorCode::InvalidArgument, "the model shape must be positive", sourcePath,
                     shapeText(modelLayers, modelHeads)};
    auto it = masks.find(type);
    const bool shapeKnown = it != masks.end() || (nLayers > 0 && nHeads > 0);
    const int haveLayers = it != masks.end() ? it->second.nLayers() : nLayers;
    const int haveHeads = it != masks.end() ? it->second.nHeads() : nHeads;
    if (shapeKnown && (haveLayers != modelLayers || haveHeads != modelHeads))
        return Error{ErrorCode::ShapeMismatch,
                     "mask is for " + shapeText(haveLayers, haveHeads) + ", the model has " +
                         std::to_string(modelLayers) + " x " + std::to_string(modelHeads),
                     sourcePath, attentionTypeName(type)};
    return it != masks.end() ? it->second : HeadMask(modelLayers, modelHeads);
}

MaskSet MaskSet::fromMask(const HeadMask& mask, const std::string& architecture, AttentionType type)
{
    MaskSet set;
    set.architecture = architecture;
    set.nLayers = mask.nLayers();
    set.nHeads = mask.nHeads();
    set.masks.emplace(type, mask);
    return set;
}

std::string maskToJson(const MaskSet& set)
{
    return headScopeJsonText(set);
}

std::string maskToHfPrunedHeads(const MaskSet& set)
{
    return hfPrunedHeadsText(set);
}

std::string maskToDescriptor(const MaskSet& set)
{
    return descriptorText(set, 0);
}

std::string maskToPaperDescriptor(const MaskSet& set)
{
    return descriptorText(set, 1);
}

std::string maskToCsv(const HeadMask& mask)
{
    std::string out;
    for (int l = 0; l < mask.nLayers(); ++l) {
        for (int h = 0; h < mask.nHeads(); ++h)
            out += (h ? "," : "") + std::string(mask.isKept(l, h) ? "1" : "0");
        out += '\n';
    }
    return out;
}

std::string maskToNpy(const HeadMask& mask)
{
    return writeNpyFloat32(mask.toFloats(), mask.nLayers(), mask.nHeads());
}

Result<MaskSet> maskFromJson(const std::string& text, const std::string& pathForErrors)
{
    return captureResult([&] { return parseJsonMask(text, JsonMaskKind::HeadScope, 0, 0, pathForErrors); });
}

Result<MaskSet> maskFromHfPrunedHeads(const std::string& text, int nLayers, int nHeads,
                                      const std::string& pathForErrors)
{
    return captureResult(
        [&] { return parseJsonMask(text, JsonMaskKind::HuggingFace, nLayers, nHeads, pathForErrors); });
}

Result<MaskSet> maskFromDescriptor(const std::string& text, int nLayers, int nHeads,
                                   const std::string& pathForErrors)
{
    return captureResult([&] { return parseDescriptorMask(text, nLayers, nHeads, 0, pathForErrors); });
}

Result<MaskSet> maskFromPaperDescriptor(const std::string& text, int nLayers, int nHeads,
                                        const std::string& pathForErrors)
{
    return captureResult([&] { return parseDescriptorMask(text, nLayers, nHeads, 1, pathForErrors); });
}

Result<MaskSet> maskFromCsv(const std::string& text, const std::string& pathForErrors)
{
    return captureResult([&] { return csvMask(text, pathForErrors); });
}

Result<MaskSet> maskFromNpy(const std::string& bytes, const std::string& pathForErrors)
{
    return captureResult([&] { return npyMask(bytes, pathForErrors); });
}

namespace {

MaskSet parseMaskBytes(const std::string& bytes, MaskFormat format, int nLayers, int nHeads, const std::string& path)
{
    switch (format) {
    case MaskFormat::HeadScopeJson:
        return parseJsonMask(bytes, JsonMaskKind::HeadScope, nLayers, nHeads, path);
    case MaskFormat::HfPrunedHeads:
        return parseJsonMask(bytes, JsonMaskKind::HuggingFace, nLayers, nHeads, path);
    case MaskFormat::Descriptor:
        return parseDescriptorMask(bytes, nLayers, nHeads, 0, path);
    case MaskFormat::PaperDescriptor:
        return parseDescriptorMask(bytes, nLayers, nHeads, 1, path);
    case MaskFormat::Csv:
        return csvMask(bytes, path);
    case MaskFormat::Npy:
        return npyMask(bytes, path);
    }
    fail(ErrorCode::Unsupported, "unknown mask file format", path);
}

} // namespace

Result<MaskSet> readMaskFile(const std::string& path, int nLayers, int nHeads)
{
    return captureResult([&]() -> MaskSet {
        const std::string bytes = readWholeFile(path);
        const MaskFormat format = formatFromExtension(path).value_or(sniffFormat(bytes));
        // A .json file may hold either JSON kind: told apart by its content.
        if (format == MaskFormat::HeadScopeJson)
            return parseJsonMask(bytes, JsonMaskKind::Auto, nLayers, nHeads, path);
        return parseMaskBytes(bytes, format, nLayers, nHeads, path);
    });
}

Result<MaskSet> readMaskFileAs(const std::string& path, MaskFormat format, int nLayers, int nHeads)
{
    return captureResult([&]() -> MaskSet { return parseMaskBytes(readWholeFile(path), format, nLayers, nHeads, path); });
}

Result<bool> writeMaskFile(const std::string& path, const MaskSet& set, MaskFormat format)
{
    return captureResult([&] {
        const auto [nLayers, nHeads] = shapeOf(set);
        if (nLayers <= 0 || nHeads <= 0)
            fail(ErrorCode::InvalidArgument, "cannot write a mask without a model shape", path,
                 shapeText(nLayers, nHeads));
        std::string bytes;
        switch (format) {
        case MaskFormat::HeadScopeJson:
            bytes = maskToJson(set);
            break;
        case MaskFormat::HfPrunedHeads:
            requireEncoderOnly(set, "Hugging Face pruned_heads", path);
            bytes = maskToHfPrunedHeads(set) + "\n";
            break;
        case MaskFormat::Descriptor:
            bytes = maskToDescriptor(set) + "\n";
            break;
        case MaskFormat::PaperDescriptor:
            bytes = maskToPaperDescriptor(set) + "\n";
            break;
        case MaskFormat::Csv:
            requireEncoderOnly(set, "CSV", path);
            bytes = maskToCsv(encoderMask(set));
            break;
        case MaskFormat::Npy:
            requireEncoderOnly(set, ".npy", path);
            bytes = maskToNpy(encoderMask(set));
            break;
        }
        const auto written = writeFileAtomically(path, bytes);
        if (!written)
            throw ErrorException(written.error());
        return true;
    });
}

} // namespace headscope::core
