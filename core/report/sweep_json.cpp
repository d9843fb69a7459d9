// JSON of the analyses made of several runs: pruning curves, latency lab, dataset comparison.
#include "report/report_common.h"
#include "report/result_json.h"

#include "metrics/statistics.h"

#include <cmath>
#include <stdexcept>

namespace headscope::core::report {

namespace {

Json pointJson(const PruneCurvePoint& p)
{
    Json j = Json::object();
    j["percent"] = p.percent;
    j["n_pruned"] = p.nPruned;
    j["accuracy"] = accuracyJson(p.nCorrect, p.n);
    j["parameters"] = p.nParameters;
    j["descriptor"] = descriptorOf(p.mask);
    j["pruned"] = byType(maskedHeadsJson(p.mask));
    return j;
}

} // namespace

const char* resultKey(const PruneCurveSet&) { return "prune_curves"; }
const char* resultKey(const LatencyResult&) { return "latency"; }
const char* resultKey(const CompareResult&) { return "compare"; }

// --- pruning curves ----------------------------------------------------------------------------

Json toJson(const PruneCurveSet& s)
{
    Json j = Json::object();
    const PruneCurveParams p = s.curves.empty() ? PruneCurveParams{} : s.curves.front().params;
    j["step_percent"] = p.stepPercent;
    j["rescore"] = p.rescore;
    j["min_heads_per_layer"] = p.minHeadsPerLayer;
    j["method"] = importanceMethodName(p.importance.method);
    j["normalization"] = normalizationName(p.importance.normalization);
    j["seed"] = p.seed;
    j["batch_size"] = p.batchSize;
    j["total_heads"] = s.totalHeads;
    j["complete"] = s.complete();
    Json baseline = nullptr;
    for (const auto& c : s.curves)
        if (!c.points.empty() && c.points.front().nPruned == 0) {
            baseline = baselineJson(c.points.front().nCorrect, c.points.front().n);
            break;
        }
    j["baseline"] = baseline;
    Json curves = Json::array();
    for (const auto& c : s.curves) {
        Json curve = Json::object();
        curve["order"] = pruneOrderName(c.order);
        curve["complete"] = c.complete;
        curve["seconds"] = c.seconds;
        Json points = Json::array();
        for (const auto& pt : c.points)
            points.push_back(pointJson(pt));
        curve["points"] = points;
        curves.push_back(curve);
    }
    j["curves"] = curves;
    j["seconds"] = s.seconds;
    return j;
}

Result<PruneCurveSet> pruneCurvesFromJson(const Json& j, int nLayers, int nHeads)
{
    return readJson<PruneCurveSet>("prune_curves", [&]() {
        PruneCurveSet s;
        PruneCurveParams p;
        p.stepPercent = j.at("step_percent").get<double>();
        p.rescore = j.at("rescore").get<bool>();
        p.minHeadsPerLayer = integerFrom<int>(j.at("min_heads_per_layer"));
        p.importance.method = parseName(j.at("method"), &parseImportanceMethod);
        p.importance.normalization = parseName(j.at("normalization"), &parseNormalization);
        p.seed = integerFrom<uint64_t>(j.at("seed"));
        p.batchSize = integerFrom<int>(j.at("batch_size"));
        p.importance.batchSize = p.batchSize;
        s.totalHeads = integerFrom<int>(j.at("total_heads"));
        s.seconds = j.at("seconds").get<double>();
        for (const auto& cj : j.at("curves")) {
            PruneCurveResult c;
            c.order = parseName(cj.at("order"), &parsePruneOrder);
            c.params = p;
            c.params.order = c.order;
            c.complete = cj.at("complete").get<bool>();
            c.seconds = cj.at("seconds").get<double>();
            for (const auto& pj : cj.at("points")) {
                PruneCurvePoint pt;
                pt.percent = pj.at("percent").get<double>();
                pt.nPruned = integerFrom<int>(pj.at("n_pruned"));
                const Json& acc = pj.at("accuracy");
                pt.n = integerFrom<int64_t>(acc.at("n"));
                pt.nCorrect = integerFrom<int64_t>(acc.at("n_correct"));
                pt.accuracy = pt.n > 0 ? double(pt.nCorrect) / double(pt.n) : 0.0;
                pt.accuracyInterval = wilsonInterval(pt.nCorrect, pt.n);
                pt.nParameters = integerFrom<int64_t>(pj.at("parameters"));
                Json block = Json::object();
                block["pruned"] = pj.at("pruned");
                pt.mask = valueOrThrow(maskFromJson(block, nLayers, nHeads));
                c.points.push_back(std::move(pt));
            }
            if (!c.points.empty() && c.points.front().nPruned == 0)
                c.baselineAccuracy = c.points.front().accuracy;
            s.curves.push_back(std::move(c));
        }
        return s;
    });
}

// --- latency lab -------------------------------------------------------------------------------

Json toJson(const LatencyResult& r)
{
    Json j = Json::object();
    j["device"] = r.device;
    j["threads"] = r.nThreads;
    j["warmup_runs"] = r.params.warmupRuns;
    j["timed_runs"] = r.params.timedRuns;
    j["seed"] = r.params.seed;
    j["mask"] = r.params.mask.empty() ? Json(nullptr) : maskJson(r.params.mask);
    j["ideal_speedup"] = r.idealSpeedup;
    j["flops_original"] = r.flopsOriginal;
    j["flops_pruned"] = r.flopsPruned;
    Json rows = Json::array();
    for (const auto& m : r.measurements) {
        Json row = Json::object();
        row["variant"] = m.variant;
        row["batch_size"] = m.batchSize;
        row["seq_len"] = m.seqLength;
        row["median_ms"] = m.medianMs;
        row["q1_ms"] = m.q1Ms;
        row["q3_ms"] = m.q3Ms;
        row["examples_per_second"] = m.examplesPerSecond;
        row["parameters"] = m.nParameters;
        row["speedup"] = number(speedupOf(r, m.variant, m.batchSize, m.seqLength));
        rows.push_back(row);
    }
    j["measurements"] = rows;
    return j;
}

Result<LatencyResult> latencyFromJson(const Json& j, int nLayers, int nHeads)
{
    return readJson<LatencyResult>("latency", [&]() {
        LatencyResult r;
        r.device = j.at("device").get<std::string>();
        r.nThreads = integerFrom<int>(j.at("threads"));
        r.params.warmupRuns = integerFrom<int>(j.at("warmup_runs"));
        r.params.timedRuns = integerFrom<int>(j.at("timed_runs"));
        r.params.seed = integerFrom<uint64_t>(j.at("seed"));
        if (!j.at("mask").is_null())
            r.params.mask = valueOrThrow(maskFromJson(j.at("mask"), nLayers, nHeads));
        r.idealSpeedup = j.at("ideal_speedup").get<double>();
        r.flopsOriginal = j.at("flops_original").get<double>();
        r.flopsPruned = j.at("flops_pruned").get<double>();
        r.params.batchSizes.clear();
        r.params.seqLengths.clear();
        for (const auto& row : j.at("measurements")) {
            LatencyMeasurement m;
            m.variant = row.at("variant").get<std::string>();
            m.batchSize = integerFrom<int>(row.at("batch_size"));
            m.seqLength = integerFrom<int>(row.at("seq_len"));
            m.medianMs = row.at("median_ms").get<double>();
            m.q1Ms = row.at("q1_ms").get<double>();
            m.q3Ms = row.at("q3_ms").get<double>();
            m.examplesPerSecond = row.at("examples_per_second").get<double>();
            m.nParameters = integerFrom<int64_t>(row.at("parameters"));
            auto addOnce = [](std::vector<int>& v, int x) {
                for (int y : v)
                    if (y == x)
                        return;
                v.push_back(x);
            };
            addOnce(r.params.batchSizes, m.batchSize);
            addOnce(r.params.seqLengths, m.seqLength);
            r.measurements.push_back(std::move(m));
        }
        return r;
    });
}

// --- dataset comparison ------------------------------------------------------------------------

Json toJson(const CompareResult& r)
{
    Json j = Json::object();
    j["what"] = compareWhatName(r.params.what);
    j["method"] = importanceMethodName(r.params.importance.method);
    j["normalization"] = normalizationName(r.params.importance.normalization);
    j["batch_size"] = r.params.ablation.batchSize;
    j["data_a"] = dataJson(r.dataA);
    j["data_b"] = dataJson(r.dataB);
    auto side = [](const DatasetAnalyses& d) {
        Json s = Json::object();
        if (d.ablation)
            s["ablation"] = toJson(*d.ablation);
        if (d.importance)
            s["importance"] = toJson(*d.importance);
        return s;
    };
    j["a"] = side(r.a);
    j["b"] = side(r.b);
    Json correlation = Json::object();
    if (r.ablationDelta)
        correlation["ablation_delta"] = correlationJson(*r.ablationDelta);
    if (r.importance)
        correlation["importance"] = correlationJson(*r.importance);
    j["correlation"] = correlation;
    j["seconds"] = r.seconds;
    return j;
}

Result<CompareResult> compareFromJson(const Json& j)
{
    return readJson<CompareResult>("compare", [&]() {
        CompareResult r;
        r.params.what = parseName(j.at("what"), &parseCompareWhat);
        r.params.importance.method = parseName(j.at("method"), &parseImportanceMethod);
        r.params.importance.normalization = parseName(j.at("normalization"), &parseNormalization);
        r.params.ablation.batchSize = r.params.importance.batchSize = integerFrom<int>(j.at("batch_size"));
        auto side = [](const Json& s, DatasetAnalyses& d) {
            if (s.contains("ablation"))
                d.ablation = valueOrThrow(ablationFromJson(s.at("ablation")));
            if (s.contains("importance"))
                d.importance = valueOrThrow(importanceFromJson(s.at("importance")));
        };
        r.dataA = valueOrThrow(dataFromJson(j.at("data_a")));
        r.dataB = valueOrThrow(dataFromJson(j.at("data_b")));
        side(j.at("a"), r.a);
        side(j.at("b"), r.b);
        const Json& c = j.at("correlation");
        if (c.contains("ablation_delta"))
            r.ablationDelta = correlationFromJson(c.at("ablation_delta"));
        if (c.contains("importance"))
            r.importance = correlationFromJson(c.at("importance"));
        r.seconds = j.at("seconds").get<double>();
        return r;
    });
}

} // namespace headscope::core::report
