#include "mini_safetensors.h"

#include "util/error.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

namespace headscope::testing {

using core::ErrorCode;
using core::fail;

int64_t RefTensor::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

namespace {

size_t elementSize(const std::string& dtype, const std::string& path, const std::string& name)
{
    if (dtype == "F32" || dtype == "I32") return 4;
    if (dtype == "F64" || dtype == "I64") return 8;
    fail(ErrorCode::Unsupported, "dtype " + dtype + " not supported by the test reader", path, name);
}

// The file format is little-endian; so are all machines this project targets.
template <class T> T loadLE(const unsigned char* p)
{
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

template <class T> void appendLE(std::string& out, T v)
{
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    out.append(bytes, sizeof(T));
}

} // namespace

RefTensorMap readMiniSafetensors(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(ErrorCode::FileNotFound, "cannot open safetensors file", path);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 8) fail(ErrorCode::InvalidFile, "file shorter than the 8-byte header length", path);
    const auto* base = reinterpret_cast<const unsigned char*>(bytes.data());
    const uint64_t headerLen = loadLE<uint64_t>(base);
    if (headerLen > bytes.size() - 8)
        fail(ErrorCode::InvalidFile, "header length points past the end of the file", path);

    nlohmann::json header;
    try {
        header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + std::ptrdiff_t(headerLen));
    } catch (const std::exception& e) {
        fail(ErrorCode::InvalidFile, "header is not valid JSON", path, e.what());
    }
    const unsigned char* data = base + 8 + headerLen;
    const uint64_t dataLen = bytes.size() - 8 - headerLen;

    RefTensorMap out;
    for (const auto& [name, info] : header.items()) {
        if (name == "__metadata__") continue;
        RefTensor t;
        t.dtype = info.at("dtype").get<std::string>();
        t.shape = info.at("shape").get<std::vector<int64_t>>();
        const auto offsets = info.at("data_offsets").get<std::vector<uint64_t>>();
        const size_t elem = elementSize(t.dtype, path, name);
        if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > dataLen ||
            offsets[1] - offsets[0] != uint64_t(t.numel()) * elem)
            fail(ErrorCode::InvalidFile, "data_offsets do not match the shape or the file", path, name);
        const unsigned char* p = data + offsets[0];
        t.values.resize(size_t(t.numel()));
        for (size_t i = 0; i < t.values.size(); ++i, p += elem) {
            if (t.dtype == "F32")
                t.values[i] = double(loadLE<float>(p));
            else if (t.dtype == "F64")
                t.values[i] = loadLE<double>(p);
            else if (t.dtype == "I64")
                t.values[i] = double(loadLE<int64_t>(p));
            else
                t.values[i] = double(loadLE<int32_t>(p));
        }
        out.emplace(name, std::move(t));
    }
    return out;
}

void writeMiniSafetensors(const std::string& path, const RefTensorMap& tensors)
{
    nlohmann::json header = nlohmann::json::object();
    header["__metadata__"] = {{"format", "pt"}};
    std::string data;
    for (const auto& [name, t] : tensors) {
        if (int64_t(t.values.size()) != t.numel())
            fail(ErrorCode::ShapeMismatch, "tensor values do not match its shape", path, name);
        const size_t begin = data.size();
        for (double v : t.values) {
            if (t.dtype == "F32")
                appendLE<float>(data, float(v));
            else if (t.dtype == "F64")
                appendLE<double>(data, v);
            else if (t.dtype == "I64")
                appendLE<int64_t>(data, int64_t(v));
            else if (t.dtype == "I32")
                appendLE<int32_t>(data, int32_t(v));
            else
                fail(ErrorCode::Unsupported, "dtype " + t.dtype + " not supported by the test writer", path,
                     name);
        }
        header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {begin, data.size()}}};
    }
    std::string headerText = header.dump();
    while (headerText.size() % 8 != 0)
        headerText.push_back(' ');

    std::string file;
    appendLE<uint64_t>(file, headerText.size());
    file += headerText;
    file += data;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) fail(ErrorCode::FileNotFound, "cannot create safetensors file", path);
    out.write(file.data(), std::streamsize(file.size()));
    if (!out) fail(ErrorCode::Runtime, "write failed", path);
}

} // namespace headscope::testing
