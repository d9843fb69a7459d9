// JSON of a checkpoint series (training dynamics): each checkpoint's results, as their own kinds.
#include "report/report_common.h"
#include "report/result_json.h"
#include "report/translation_json.h"

namespace headscope::core::report {

const char* resultKey(const CheckpointSeriesResult&) { return "checkpoints"; }
const char* resultKey(const BleuResult&) { return "bleu"; }

Json toJson(const BleuResult& r, const BleuParams& params)
{
    return bleuScoreJson(r.corpus, params, r.nRefs, r.segments.size(), r.signature);
}

Json toJson(const CheckpointSeriesResult& r)
{
    Json list = Json::array();
    for (const auto& c : r.checkpoints) {
        Json j = Json::object();
        j["name"] = c.checkpoint.name;
        j["path"] = c.checkpoint.path;
        j["epoch"] = c.checkpoint.epoch >= 0 ? Json(c.checkpoint.epoch) : Json(nullptr);
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
            c.checkpoint.name = e.at("name").get<std::string>();
            c.checkpoint.path = e.at("path").get<std::string>();
            c.checkpoint.epoch = e.at("epoch").is_null() ? -1 : integerFrom<int>(e.at("epoch"));
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
