#include "io/safetensors_file.h"

#include "io/half_float.h"
#include "io/mapped_file.h"
#include "util/atomic_file.h"
#include "util/json_error_text.h"
#include "util/json_nesting.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

// Tensor bytes are little-endian in the file and are read in place.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors reading assumes a little-endian host");

namespace headscope::core {

namespace {

using json = nlohmann::json;

// Same limit as the reference implementation: larger headers are treated as corrupt.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr const char* kMetadataKey = "__metadata__";

struct DTypeInfo
{
    DType dtype;
    const char* name;
    size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4}, {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::BOOL, "BOOL", 1},
};

const DTypeInfo* findDType(const std::string& name)
{
    for (const auto& info : kDTypes)
        if (name == info.name)
            return &info;
    return nullptr;
}

std::string tensorDetail(const std::string& name)
{
    return "tensor '" + name + "'";
}

uint64_t readLittleEndianU64(const std::byte* p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | static_cast<uint64_t>(std::to_integer<unsigned>(p[i]));
    return v;
}

// A non-negative JSON integer, or nullopt (floats, negatives, strings are rejected).
std::optional<uint64_t> jsonUnsigned(const json& value)
{
    if (value.is_number_unsigned())
        return value.get<uint64_t>();
    if (value.is_number_integer()) {
        const int64_t v = value.get<int64_t>();
        if (v >= 0)
            return static_cast<uint64_t>(v);
    }
    return std::nullopt;
}

// Parses the header, rejecting duplicate top-level keys (nlohmann would silently keep the last).
json parseHeader(const char* begin, const char* end, const std::string& path)
{
    std::set<std::string> keys;
    std::string duplicate;
    json::parser_callback_t callback = [&](int depth, json::parse_event_t event, json& parsed) {
        if (event == json::parse_event_t::key && depth == 1 && duplicate.empty()) {
            const auto& key = parsed.get_ref<const std::string&>();
            if (!keys.insert(key).second)
                duplicate = key;
        }
        return true;
    };
    checkJsonNesting(std::string_view(begin, size_t(end - begin)), path, "safetensors header");
    json header;
    try {
        header = json::parse(begin, end, callback);
    } catch (const json::exception& e) {
        fail(ErrorCode::InvalidFile, "safetensors header is not valid JSON", path, jsonErrorText(e));
    }
    if (!header.is_object())
        fail(ErrorCode::InvalidFile, "safetensors header is not a JSON object", path,
             std::string("found ") + header.type_name());
    if (!duplicate.empty())
        fail(ErrorCode::InvalidFile, "safetensors header names a tensor twice", path, tensorDetail(duplicate));
    return header;
}

std::map<std::string, std::string> parseMetadata(const json& value, const std::string& path)
{
    std::map<std::string, std::string> metadata;
    if (value.is_null())
        return metadata;
    if (!value.is_object())
        fail(ErrorCode::InvalidFile, "safetensors __metadata__ is not a JSON object", path);
    for (const auto& [key, item] : value.items()) {
        if (!item.is_string())
            fail(ErrorCode::InvalidFile, "safetensors __metadata__ values must be strings", path,
                 "key '" + key + "'");
        metadata.emplace(key, item.get<std::string>());
    }
    return metadata;
}

struct ParsedEntry
{
    TensorView view;
    uint64_t begin = 0;
    uint64_t end = 0;
};

ParsedEntry parseEntry(const std::string& name, const json& entry, uint64_t dataSize, const std::string& path)
{
    const std::string detail = tensorDetail(name);
    if (!entry.is_object())
        fail(ErrorCode::InvalidFile, "safetensors header entry is not a JSON object", path, detail);

    ParsedEntry parsed;
    parsed.view.name = name;

    const auto dtypeIt = entry.find("dtype");
    if (dtypeIt == entry.end() || !dtypeIt->is_string())
        fail(ErrorCode::InvalidFile, "tensor has no dtype string", path, detail);
    const std::string dtypeName = dtypeIt->get<std::string>();
    const DTypeInfo* info = findDType(dtypeName);
    if (!info)
        fail(ErrorCode::Unsupported, "unsupported tensor dtype '" + dtypeName + "'", path, detail);
    parsed.view.dtype = info->dtype;

    const auto shapeIt = entry.find("shape");
    if (shapeIt == entry.end() || !shapeIt->is_array())
        fail(ErrorCode::InvalidFile, "tensor has no shape array", path, detail);
    bool hasZero = false;
    for (const auto& dim : *shapeIt) {
        const auto v = jsonUnsigned(dim);
        if (!v || *v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            fail(ErrorCode::InvalidFile, "tensor shape must hold non-negative integers", path,
                 detail + ", shape " + shapeIt->dump());
        hasZero = hasZero || *v == 0;
        parsed.view.shape.push_back(static_cast<int64_t>(*v));
    }
    // Byte count with overflow checks; any zero dimension makes it 0 whatever the others are.
    uint64_t expectedBytes = 0;
    if (!hasZero) {
        expectedBytes = info->size;
        for (int64_t dim : parsed.view.shape)
            if (__builtin_mul_overflow(expectedBytes, static_cast<uint64_t>(dim), &expectedBytes))
                fail(ErrorCode::InvalidFile, "tensor shape is too large", path,
                     detail + ", shape " + shapeIt->dump());
    }

    const auto offsetsIt = entry.find("data_offsets");
    if (offsetsIt == entry.end() || !offsetsIt->is_array() || offsetsIt->size() != 2)
        fail(ErrorCode::InvalidFile, "tensor has no data_offsets [begin, end]", path, detail);
    const auto begin = jsonUnsigned((*offsetsIt)[0]);
    const auto end = jsonUnsigned((*offsetsIt)[1]);
    if (!begin || !end)
        fail(ErrorCode::InvalidFile, "tensor data_offsets must be non-negative integers", path,
             detail + ", data_offsets " + offsetsIt->dump());
    const std::string range = "[" + std::to_string(*begin) + ", " + std::to_string(*end) + "]";
    if (*begin > *end)
        fail(ErrorCode::InvalidFile, "tensor data_offsets begin after they end", path,
             detail + ", data_offsets " + range);
    if (*end > dataSize)
        fail(ErrorCode::InvalidFile, "tensor data_offsets lie outside the file's data area", path,
             detail + ", data_offsets " + range + ", data area " + std::to_string(dataSize) + " bytes");
    if (*end - *begin != expectedBytes)
        fail(ErrorCode::InvalidFile, "tensor shape and dtype do not match its byte range", path,
             detail + ", " + dtypeName + " " + shapeIt->dump() + " needs " + std::to_string(expectedBytes) +
                 " bytes, data_offsets " + range + " hold " + std::to_string(*end - *begin));
    parsed.begin = *begin;
    parsed.end = *end;
    parsed.view.nBytes = static_cast<size_t>(expectedBytes);
    return parsed;
}

} // namespace

size_t dtypeSize(DType dtype)
{
    for (const auto& info : kDTypes)
        if (info.dtype == dtype)
            return info.size;
    return 0;
}

const char* dtypeName(DType dtype)
{
    for (const auto& info : kDTypes)
        if (info.dtype == dtype)
            return info.name;
    return "?";
}

int64_t TensorView::numel() const
{
    int64_t n = 1;
    for (int64_t dim : shape)
        n *= dim;
    return n;
}

struct SafetensorsFile::State
{
    explicit State(const std::string& filePath) : path(filePath), mapping(filePath) {}

    std::string path;
    MappedFile mapping; // unmapped when the last copy of the file goes away
    std::vector<TensorView> tensors;
    std::unordered_map<std::string, size_t> index;
    std::map<std::string, std::string> metadata;
};

Result<SafetensorsFile> SafetensorsFile::open(const std::string& path)
{
    return captureResult([&]() -> SafetensorsFile {
        auto state = std::make_shared<State>(path);
        const std::byte* bytes = state->mapping.data();
        const uint64_t fileSize = state->mapping.size();

        if (fileSize == 0)
            fail(ErrorCode::InvalidFile, "file is empty, not a safetensors file", path, "0 bytes");
        if (fileSize < 8)
            fail(ErrorCode::InvalidFile, "file is too short for a safetensors header", path,
                 std::to_string(fileSize) + " bytes, the header length alone takes 8");
        const uint64_t headerBytes = readLittleEndianU64(bytes);
        if (headerBytes == 0)
            fail(ErrorCode::InvalidFile, "safetensors header length is 0", path);
        if (headerBytes > kMaxHeaderBytes)
            fail(ErrorCode::InvalidFile, "safetensors header length exceeds the 100 MB limit", path,
                 "header length " + std::to_string(headerBytes));
        if (headerBytes > fileSize - 8)
            fail(ErrorCode::InvalidFile, "safetensors header length exceeds the file size", path,
                 "header length " + std::to_string(headerBytes) + ", file size " + std::to_string(fileSize));

        const char* headerBegin = reinterpret_cast<const char*>(bytes + 8);
        const json header = parseHeader(headerBegin, headerBegin + headerBytes, path);
        const uint64_t dataSize = fileSize - 8 - headerBytes;
        const std::byte* data = bytes + 8 + headerBytes;

        std::vector<ParsedEntry> entries;
        entries.reserve(header.size());
        for (const auto& [name, entry] : header.items()) {
            if (name == kMetadataKey) {
                state->metadata = parseMetadata(entry, path);
                continue;
            }
            entries.push_back(parseEntry(name, entry, dataSize, path));
        }

        // File order; empty tensors may share an offset with anything.
        std::sort(entries.begin(), entries.end(), [](const ParsedEntry& a, const ParsedEntry& b) {
            return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
        });
        const ParsedEntry* previous = nullptr;
        for (const auto& entry : entries) {
            if (entry.begin == entry.end)
                continue;
            if (previous && entry.begin < previous->end)
                fail(ErrorCode::InvalidFile, "tensor data ranges overlap", path,
                     tensorDetail(previous->view.name) + " [" + std::to_string(previous->begin) + ", " +
                         std::to_string(previous->end) + "] and " + tensorDetail(entry.view.name) + " [" +
                         std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "]");
            previous = &entry;
        }

        state->tensors.reserve(entries.size());
        for (auto& entry : entries) {
            entry.view.data = data + entry.begin;
            state->index.emplace(entry.view.name, state->tensors.size());
            state->tensors.push_back(std::move(entry.view));
        }
        SafetensorsFile file;
        file.m_state = std::move(state);
        return file;
    });
}

const std::string& SafetensorsFile::path() const
{
    return m_state->path;
}

const std::vector<TensorView>& SafetensorsFile::tensors() const
{
    return m_state->tensors;
}

const TensorView* SafetensorsFile::find(const std::string& name) const
{
    const auto it = m_state->index.find(name);
    return it == m_state->index.end() ? nullptr : &m_state->tensors[it->second];
}

const std::map<std::string, std::string>& SafetensorsFile::metadata() const
{
    return m_state->metadata;
}

std::shared_ptr<const void> SafetensorsFile::mappingOwner() const
{
    return m_state;
}

std::vector<float> SafetensorsFile::toFloat32(const TensorView& view)
{
    const size_t elementSize = dtypeSize(view.dtype);
    const size_t n = elementSize ? view.nBytes / elementSize : 0;
    std::vector<float> out(n);
    // memcpy per element: the data may sit at any alignment inside the mapping.
    switch (view.dtype) {
    case DType::F32:
        if (n)
            std::memcpy(out.data(), view.data, n * sizeof(float));
        break;
    case DType::F16:
    case DType::BF16: {
        const bool isHalf = view.dtype == DType::F16;
        for (size_t i = 0; i < n; ++i) {
            uint16_t bits;
            std::memcpy(&bits, view.data + 2 * i, sizeof bits);
            out[i] = isHalf ? halfToFloat(bits) : bfloat16ToFloat(bits);
        }
        break;
    }
    case DType::F64:
        for (size_t i = 0; i < n; ++i) {
            double v;
            std::memcpy(&v, view.data + 8 * i, sizeof v);
            out[i] = static_cast<float>(v);
        }
        break;
    default:
        fail(ErrorCode::Unsupported, std::string("cannot convert dtype ") + dtypeName(view.dtype) + " to float32",
             {}, tensorDetail(view.name));
    }
    return out;
}

Result<bool> SafetensorsFile::write(const std::string& path, const std::vector<WriteTensor>& tensors,
                                    const std::map<std::string, std::string>& metadata)
{
    return captureResult([&]() -> bool {
        json header = json::object();
        std::vector<uint64_t> byteCounts;
        uint64_t offset = 0;
        for (const auto& tensor : tensors) {
            const std::string detail = tensorDetail(tensor.name);
            if (tensor.name.empty() || tensor.name == kMetadataKey)
                fail(ErrorCode::InvalidArgument, "invalid tensor name for safetensors", path, detail);
            if (header.contains(tensor.name))
                fail(ErrorCode::InvalidArgument, "tensor name given twice", path, detail);
            uint64_t numel = 1;
            for (int64_t dim : tensor.shape) {
                if (dim < 0)
                    fail(ErrorCode::InvalidArgument, "negative tensor dimension", path, detail);
                if (__builtin_mul_overflow(numel, static_cast<uint64_t>(dim), &numel))
                    fail(ErrorCode::InvalidArgument, "tensor shape is too large", path, detail);
            }
            if (tensor.dtype != DType::F32 && tensor.dtype != DType::F16)
                fail(ErrorCode::InvalidArgument, std::string("cannot write dtype ") + dtypeName(tensor.dtype) +
                         " (F32 and F16 only)", path, detail);
            uint64_t bytes = 0;
            if (__builtin_mul_overflow(numel, uint64_t{dtypeSize(tensor.dtype)}, &bytes))
                fail(ErrorCode::InvalidArgument, "tensor shape is too large", path, detail);
            if (bytes > 0 && !tensor.data)
                fail(ErrorCode::InvalidArgument, "tensor has no data", path, detail);
            header[tensor.name] = {{"dtype", dtypeName(tensor.dtype)}, {"shape", tensor.shape},
                                   {"data_offsets", {offset, offset + bytes}}};
            byteCounts.push_back(bytes);
            offset += bytes;
        }
        if (!metadata.empty())
            header[kMetadataKey] = metadata;

        // Pad with spaces (valid JSON whitespace) so that the data starts 8-byte aligned.
        std::string headerText = header.dump();
        headerText.append((8 - headerText.size() % 8) % 8, ' ');
        const uint64_t headerBytes = headerText.size();
        char lengthField[8];
        for (int i = 0; i < 8; ++i)
            lengthField[i] = static_cast<char>((headerBytes >> (8 * i)) & 0xffu);

        // Atomic: a failed or interrupted write never leaves a truncated model.
        const auto written = writeFileAtomically(path, [&](std::ostream& out) -> Result<bool> {
            out.write(lengthField, sizeof lengthField);
            out.write(headerText.data(), static_cast<std::streamsize>(headerText.size()));
            std::vector<uint16_t> halves;
            for (size_t i = 0; i < tensors.size(); ++i) {
                if (byteCounts[i] == 0)
                    continue;
                if (tensors[i].dtype == DType::F16) {
                    halves.resize(byteCounts[i] / 2);
                    for (size_t j = 0; j < halves.size(); ++j)
                        halves[j] = floatToHalf(tensors[i].data[j]);
                    out.write(reinterpret_cast<const char*>(halves.data()), static_cast<std::streamsize>(byteCounts[i]));
                } else {
                    out.write(reinterpret_cast<const char*>(tensors[i].data), static_cast<std::streamsize>(byteCounts[i]));
                }
            }
            return true;
        });
        if (!written)
            throw ErrorException(written.error());
        return true;
    });
}

Result<std::vector<SafetensorsFile>> openShardedSafetensors(const std::string& indexJsonPath)
{
    namespace fs = std::filesystem;
    return captureResult([&]() -> std::vector<SafetensorsFile> {
        std::ifstream in(indexJsonPath, std::ios::binary);
        if (!in) {
            std::error_code ec;
            if (!fs::exists(indexJsonPath, ec))
                fail(ErrorCode::FileNotFound, "file not found", indexJsonPath);
            fail(ErrorCode::InvalidFile, "cannot read file", indexJsonPath, std::strerror(errno));
        }
        std::stringstream buffer;
        buffer << in.rdbuf();
        const std::string indexText = buffer.str();
        checkJsonNesting(indexText, indexJsonPath, "safetensors index");
        json index;
        try {
            index = json::parse(indexText);
        } catch (const json::exception& e) {
            fail(ErrorCode::InvalidFile, "safetensors index is not valid JSON", indexJsonPath, jsonErrorText(e));
        }
        if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
            fail(ErrorCode::InvalidFile, "safetensors index has no \"weight_map\" object", indexJsonPath);

        // Shard file name -> tensors the index places in it.
        std::map<std::string, std::vector<std::string>> shardTensors;
        for (const auto& [tensor, shard] : index["weight_map"].items()) {
            if (!shard.is_string() || shard.get<std::string>().empty())
                fail(ErrorCode::InvalidFile, "weight_map values must be shard file names", indexJsonPath,
                     tensorDetail(tensor));
            const fs::path shardName(shard.get<std::string>());
            const bool escapes = std::any_of(shardName.begin(), shardName.end(),
                                             [](const fs::path& part) { return part == fs::path(".."); });
            if (shardName.is_absolute() || escapes)
                fail(ErrorCode::InvalidFile, "shard must be a file inside the index's directory", indexJsonPath,
                     tensorDetail(tensor) + ", shard '" + shardName.string() + "'");
            shardTensors[shardName.string()].push_back(tensor);
        }
        if (shardTensors.empty())
            fail(ErrorCode::InvalidFile, "safetensors index lists no tensors", indexJsonPath);

        const fs::path directory = fs::path(indexJsonPath).parent_path();
        std::vector<SafetensorsFile> shards;
        std::unordered_map<std::string, std::string> owner; // tensor -> shard, to catch duplicates
        for (const auto& [shardName, names] : shardTensors) {
            const std::string shardPath = (directory / shardName).string();
            auto shard = SafetensorsFile::open(shardPath);
            if (!shard) {
                Error error = shard.error();
                if (error.code == ErrorCode::FileNotFound)
                    error.message = "shard named by the safetensors index not found";
                error.detail += (error.detail.empty() ? "" : "; ") + std::string("index ") + indexJsonPath;
                throw ErrorException(error);
            }
            for (const auto& name : names)
                if (!shard->find(name))
                    fail(ErrorCode::InvalidFile, "tensor listed in the index is missing from its shard", indexJsonPath,
                         tensorDetail(name) + ", shard '" + shardName + "'");
            for (const auto& view : shard->tensors()) {
                const auto [it, inserted] = owner.emplace(view.name, shardName);
                if (!inserted)
                    fail(ErrorCode::InvalidFile, "tensor appears in two shards", indexJsonPath,
                         tensorDetail(view.name) + ", shards '" + it->second + "' and '" + shardName + "'");
            }
            shards.push_back(std::move(shard.value()));
        }
        return shards;
    });
}

} // namespace headscope::core
