// JSON of a checkpoint series (training dynamics): each checkpoint's results, as their own kinds.
#include "report/report_common.h"
#include "report/result_json.h"
#include "report/translation_json.h"

#include <array>

namespace headscope::core::report {

const char* resultKey(const CheckpointSeriesResult&) { return "checkpoints"; }
const char* resultKey(const BleuResult&) { return "bleu"; }

// The BLEU block of every result that has one (bleu, the translation analyses): here, with the
// torch-free readers, so that the fuzz targets and the report library need no engine.
Json bleuScoreJson(const BleuScore& s, const BleuParams& params, int nRefs, size_t nSegments,
                   const std::string& signature)
{
    Json j = Json::object();
    j["score"] = s.score;
    j["precisions"] = s.precisions;
    j["counts"] = s.counts;
    j["totals"] = s.totals;
    j["bp"] = s.bp;
    j["ratio"] = s.ratio;
    j["sys_len"] = s.sysLen;
    j["ref_len"] = s.refLen;
    j["n_refs"] = nRefs;
    j["n_segments"] = nSegments;
    j["tokenize"] = bleuTokenizerName(params.tokenizer);
    j["lowercase"] = params.lowercase;
    j["smooth"] = bleuSmoothingName(params.smoothing);
    j["smooth_value"] = bleuSmoothValue(params);
    j["signature"] = signature;
    return j;
}

BleuScore bleuScoreFromJson(const Json& j, BleuParams* params)
{
    BleuScore s;
    s.score = j.at("score").get<double>();
    s.precisions = j.at("precisions").get<std::array<double, kBleuMaxOrder>>();
    s.counts = j.at("counts").get<std::array<int64_t, kBleuMaxOrder>>();
    s.totals = j.at("totals").get<std::array<int64_t, kBleuMaxOrder>>();
    s.bp = j.at("bp").get<double>();
    s.ratio = j.at("ratio").get<double>();
    s.sysLen = j.at("sys_len").get<int64_t>();
    s.refLen = j.at("ref_len").get<int64_t>();
    if (params) {
        const auto tokenizer = parseBleuTokenizer(j.at("tokenize").get<std::string>());
        const auto smoothing = parseBleuSmoothing(j.at("smooth").get<std::string>());
        if (!tokenizer || !smoothing)
            throw std::invalid_argument("unknown BLEU tokenizer or smoothing");
        params->tokenizer = *tokenizer;
        params->smoothing = *smoothing;
        params->lowercase = j.at("lowercase").get<bool>();
        params->smoothValue = j.at("smooth_value").get<double>();
    }
    return s;
}

Json toJson(const BleuResult& r, const BleuParams& params)
{
    return bleuScoreJson(r.corpus, params, r.nRefs, r.segments.size(), r.signature);
}

Json checkpointInfoJson(const CheckpointInfo& c)
{
    Json j = Json::object();
    j["name"] = c.name;
    j["path"] = c.path;
    j["epoch"] = c.epoch >= 0 ? Json(c.epoch) : Json(nullptr);
    return j;
}

CheckpointInfo checkpointInfoFromJson(const Json& j)
{
    CheckpointInfo c;
    c.name = j.at("name").get<std::string>();
    c.path = j.at("path").get<std::string>();
    c.epoch = j.at("epoch").is_null() ? -1 : integerFrom<int>(j.at("epoch"));
    return c;
}

Json toJson(const CheckpointSeriesResult& r)
{
    Json list = Json::array();
    for (const auto& c : r.checkpoints) {
        Json j = checkpointInfoJson(c.checkpoint);
        j["layers"] = c.nLayers;
        j["heads"] = c.nHeads;
        j["parameters"] = c.nParameters;
        if (c.importance)
            j[resultKey(*c.importance)] = toJson(*c.importance);
        if (c.curves)
            j[resultKey(*c.curves)] = toJson(*c.curves);
        list.push_back(std::move(j));
    }
    Json j = Json::object();
    j["checkpoints"] = list;
    j["seconds"] = r.seconds;
    return j;
}

Result<CheckpointSeriesResult> checkpointsFromJson(const Json& j)
{
    return readJson<CheckpointSeriesResult>("checkpoints", [&]() {
        CheckpointSeriesResult r;
        for (const auto& e : j.at("checkpoints")) {
            CheckpointAnalysis c;
            c.checkpoint = checkpointInfoFromJson(e);
            c.nLayers = integerFrom<int>(e.at("layers"));
            c.nHeads = integerFrom<int>(e.at("heads"));
            c.nParameters = integerFrom<int64_t>(e.at("parameters"));
            if (e.contains("importance"))
                c.importance = valueOrThrow(importanceFromJson(e.at("importance")));
            if (e.contains("prune_curves"))
                c.curves = valueOrThrow(pruneCurvesFromJson(e.at("prune_curves"), c.nLayers, c.nHeads));
            r.checkpoints.push_back(std::move(c));
        }
        r.seconds = j.at("seconds").get<double>();
        return r;
    });
}

} // namespace headscope::core::report
