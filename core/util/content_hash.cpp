#include "util/content_hash.h"

#include "io/mapped_file.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

namespace headscope::core {

namespace {

constexpr uint64_t kMul1 = 0x9e3779b97f4a7c15ULL;
constexpr uint64_t kMul2 = 0xbf58476d1ce4e5b9ULL;

uint64_t mix(uint64_t x)
{
    // splitmix64's finaliser: every input bit reaches every output bit.
    x ^= x >> 30;
    x *= kMul2;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

std::string hexOf(uint64_t h)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "hs64:%016llx", static_cast<unsigned long long>(h));
    return buf;
}

uint64_t hashFileChained(const std::string& path, uint64_t seed)
{
    MappedFile file(path); // throws FileNotFound / InvalidFile naming the file
    return contentHash64(file.data(), file.size(), seed);
}

} // namespace

uint64_t contentHash64(const void* data, size_t size, uint64_t seed)
{
    // Four independent lanes of 8-byte words keep the multiplier pipeline full; the lanes,
    // the tail and the length are folded together at the end.
    const auto* p = static_cast<const unsigned char*>(data);
    std::array<uint64_t, 4> lane = {seed ^ kMul1, seed + kMul2, seed ^ 0x2545f4914f6cdd1dULL, seed - kMul1};
    size_t i = 0;
    for (; i + 32 <= size; i += 32)
        for (size_t k = 0; k < 4; ++k) {
            uint64_t w;
            std::memcpy(&w, p + i + 8 * k, 8);
            lane[k] = (lane[k] ^ w) * kMul1;
            lane[k] ^= lane[k] >> 29;
        }
    uint64_t h = mix(lane[0]) ^ mix(lane[1] + 1) ^ mix(lane[2] + 2) ^ mix(lane[3] + 3);
    for (; i < size; ++i)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return mix(h ^ uint64_t(size));
}

Result<std::string> contentHashOfFile(const std::string& path)
{
    return captureResult([&]() { return hexOf(hashFileChained(path, 0)); });
}

Result<std::string> contentHashOfModel(const std::string& dir)
{
    return captureResult([&]() {
        namespace fs = std::filesystem;
        uint64_t h = hashFileChained((fs::path(dir) / "config.json").string(), 1);
        // Every weights file, shards included, in name order.
        std::vector<fs::path> weights;
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const std::string ext = entry.path().extension().string();
            if (entry.is_regular_file(ec) && (ext == ".safetensors" || ext == ".bin"))
                weights.push_back(entry.path());
        }
        std::sort(weights.begin(), weights.end());
        for (const auto& p : weights)
            h = hashFileChained(p.string(), h);
        const bool anyWeights = !weights.empty();
        if (!anyWeights)
            fail(ErrorCode::FileNotFound, "no weights file (model.safetensors or pytorch_model.bin)", dir);
        return hexOf(h);
    });
}

} // namespace headscope::core
