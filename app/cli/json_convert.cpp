#include "json_convert.h"

#include "mask/mask_file.h"

#include <cmath>

namespace headscope::cli {

Json matrixJson(const core::Matrix& m)
{
    Json rows = Json::array();
    for (const auto& row : m) {
        Json r = Json::array();
        for (double v : row)
            r.push_back(std::isfinite(v) ? Json(v) : Json(nullptr));
        rows.push_back(std::move(r));
    }
    return rows;
}

Json encoderSelfJson(const Json& value)
{
    Json j = Json::object();
    j[core::attentionTypeName(core::AttentionType::EncoderSelf)] = value;
    return j;
}

Json prunedHeadsJson(const core::HeadMask& keep)
{
    Json j = Json::object();
    const auto perLayer = keep.maskedPerLayer();
    for (size_t layer = 0; layer < perLayer.size(); ++layer) {
        if (!perLayer[layer].empty()) j[std::to_string(layer)] = perLayer[layer];
    }
    return j;
}

std::string descriptorOf(const core::HeadMask& keep)
{
    if (keep.empty()) return {};
    return core::maskToDescriptor(core::MaskSet::fromMask(keep));
}

Json maskJson(const core::HeadMask& keep)
{
    Json j = Json::object();
    j["descriptor"] = descriptorOf(keep);
    j["n_masked"] = keep.empty() ? 0 : keep.countMasked();
    j["pruned"] = encoderSelfJson(prunedHeadsJson(keep));
    return j;
}

Json accuracyJson(int64_t nCorrect, int64_t n)
{
    const core::Interval ci = core::wilsonInterval(nCorrect, n);
    Json j = Json::object();
    j["value"] = n > 0 ? double(nCorrect) / double(n) : 0.0;
    j["low"] = ci.low;
    j["high"] = ci.high;
    j["n"] = n;
    j["n_correct"] = nCorrect;
    return j;
}

int64_t countOnes(const std::vector<uint8_t>& v)
{
    int64_t n = 0;
    for (uint8_t x : v)
        n += x != 0 ? 1 : 0;
    return n;
}

} // namespace headscope::cli
