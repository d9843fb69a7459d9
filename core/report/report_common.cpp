#include "report/report_common.h"

#include "mask/mask_file.h"
#include "metrics/statistics.h"
#include "report/result_json.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#ifndef HEADSCOPE_VERSION
#define HEADSCOPE_VERSION "0.0.0"
#endif

namespace headscope::core::report {

const char* headscopeVersion()
{
    return HEADSCOPE_VERSION;
}

Json envelope(const std::string& command)
{
    Json j = Json::object();
    j["schema"] = kSchemaVersion;
    j["command"] = command;
    j["headscope_version"] = headscopeVersion();
    return j;
}

Json number(double v)
{
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

double numberFrom(const Json& j)
{
    return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

Json matrixJson(const Matrix& m)
{
    Json rows = Json::array();
    for (const auto& row : m) {
        Json r = Json::array();
        for (double v : row)
            r.push_back(number(v));
        rows.push_back(std::move(r));
    }
    return rows;
}

Matrix matrixFromJson(const Json& j)
{
    if (!j.is_array())
        throw std::invalid_argument("expected a [layer][head] list");
    Matrix m;
    for (const auto& row : j) {
        if (!row.is_array())
            throw std::invalid_argument("expected a [layer][head] list");
        std::vector<double> r;
        for (const auto& v : row)
            r.push_back(numberFrom(v));
        m.push_back(std::move(r));
    }
    return m;
}

Json byType(const Json& value, AttentionType type)
{
    Json j = Json::object();
    j[attentionTypeName(type)] = value;
    return j;
}

const Json& ofType(const Json& j, AttentionType type)
{
    return j.at(attentionTypeName(type));
}

std::string descriptorOf(const HeadMask& mask)
{
    if (mask.empty())
        return {};
    return maskToDescriptor(MaskSet::fromMask(mask));
}

Json maskedHeadsJson(const HeadMask& mask)
{
    Json j = Json::object();
    const auto perLayer = mask.maskedPerLayer();
    for (size_t layer = 0; layer < perLayer.size(); ++layer)
        if (!perLayer[layer].empty())
            j[std::to_string(layer)] = perLayer[layer];
    return j;
}

Json maskJson(const HeadMask& mask)
{
    Json j = Json::object();
    j["descriptor"] = descriptorOf(mask);
    j["n_masked"] = mask.empty() ? 0 : mask.countMasked();
    j["pruned"] = byType(maskedHeadsJson(mask));
    return j;
}

Result<HeadMask> maskFromJson(const Json& j, int nLayers, int nHeads)
{
    return readJson<HeadMask>("mask", [&]() {
        HeadMask mask(nLayers, nHeads);
        for (const auto& [layer, heads] : ofType(j.at("pruned")).items()) {
            const int l = std::stoi(layer);
            for (const auto& h : heads) {
                const int head = integerFrom<int>(h);
                if (l < 0 || l >= nLayers || head < 0 || head >= nHeads)
                    throw std::out_of_range("head " + layer + ":" + std::to_string(head) + " is outside the model");
                mask.setKept(l, head, false);
            }
        }
        return mask;
    });
}

Json accuracyJson(int64_t nCorrect, int64_t n)
{
    const Interval ci = wilsonInterval(nCorrect, n);
    Json j = Json::object();
    j["value"] = n > 0 ? double(nCorrect) / double(n) : 0.0;
    j["low"] = ci.low;
    j["high"] = ci.high;
    j["n"] = n;
    j["n_correct"] = nCorrect;
    return j;
}

Json baselineJson(int64_t nCorrect, int64_t n)
{
    Json j = Json::object();
    j["metric"] = "accuracy";
    j.update(accuracyJson(nCorrect, n));
    return j;
}

Json dataJson(const DatasetSummary& data)
{
    Json j = Json::object();
    j["path"] = data.path;
    j["format"] = datasetFormatName(data.format);
    j["n"] = data.n;
    j["n_labelled"] = data.nLabelled;
    j["pairs"] = data.pairs;
    Json columns = Json::object();
    columns["text"] = data.textColumn;
    columns["text_b"] = data.textBColumn.empty() ? Json(nullptr) : Json(data.textBColumn);
    columns["label"] = data.labelColumn.empty() ? Json(nullptr) : Json(data.labelColumn);
    j["columns"] = columns;
    j["skipped"] = data.skippedLines;
    Json warnings = Json::array();
    for (const auto& w : data.warnings)
        warnings.push_back({{"line", w.line}, {"message", w.message}});
    j["warnings"] = warnings;
    return j;
}

Result<DatasetSummary> dataFromJson(const Json& j)
{
    return readJson<DatasetSummary>("data", [&]() {
        DatasetSummary d;
        d.path = j.at("path").get<std::string>();
        const std::string format = j.at("format").get<std::string>();
        for (DatasetFormat f : {DatasetFormat::Tsv, DatasetFormat::Csv, DatasetFormat::Jsonl})
            if (format == datasetFormatName(f))
                d.format = f;
        d.n = integerFrom<int64_t>(j.at("n"));
        d.nLabelled = integerFrom<int64_t>(j.at("n_labelled"));
        d.pairs = j.at("pairs").get<bool>();
        const Json& c = j.at("columns");
        d.textColumn = c.at("text").get<std::string>();
        d.textBColumn = c.at("text_b").is_null() ? std::string() : c.at("text_b").get<std::string>();
        d.labelColumn = c.at("label").is_null() ? std::string() : c.at("label").get<std::string>();
        d.skippedLines = integerFrom<int64_t>(j.at("skipped"));
        for (const auto& w : j.at("warnings"))
            d.warnings.push_back({integerFrom<int64_t>(w.at("line")), w.at("message").get<std::string>()});
        return d;
    });
}

Json correlationJson(const Correlation& c)
{
    Json j = Json::object();
    j["pearson"] = number(c.pearson);
    j["spearman"] = number(c.spearman);
    j["n"] = c.nHeads;
    return j;
}

Correlation correlationFromJson(const Json& j)
{
    Correlation c;
    c.pearson = numberFrom(j.at("pearson"));
    c.spearman = numberFrom(j.at("spearman"));
    c.nHeads = integerFrom<int>(j.at("n"));
    return c;
}

} // namespace headscope::core::report
