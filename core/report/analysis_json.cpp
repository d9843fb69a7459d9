// JSON of the single-pass analyses: evaluation, importance, ablation, entropy, attention view.
#include "report/report_common.h"
#include "report/result_json.h"

#include "metrics/statistics.h"

#include <cmath>
#include <stdexcept>

namespace headscope::core::report {

namespace {

bool parseAblationMode(const std::string& s, AblationMode& out)
{
    for (AblationMode m : {AblationMode::SingleHead, AblationMode::KeepOne})
        if (s == ablationModeName(m)) {
            out = m;
            return true;
        }
    return false;
}

int64_t countOnes(const std::vector<uint8_t>& v)
{
    int64_t n = 0;
    for (uint8_t x : v)
        n += x != 0 ? 1 : 0;
    return n;
}

} // namespace

const char* resultKey(const EvalResult&) { return "evaluation"; }
const char* resultKey(const ImportanceResult&) { return "importance"; }
const char* resultKey(const AblationResult& r)
{
    return r.params.mode == AblationMode::KeepOne ? "keep_one" : "ablation";
}
const char* resultKey(const EntropyResult&) { return "entropy"; }
const char* resultKey(const AttentionView&) { return "attention"; }

// --- evaluation --------------------------------------------------------------------------------

Json toJson(const EvalResult& r, int batchSize)
{
    Json j = Json::object();
    j["batch_size"] = batchSize;
    j["accuracy"] = accuracyJson(r.nCorrect, r.n);
    j["mean_loss"] = r.n > 0 ? number(r.meanLoss) : Json(nullptr);
    Json latency = Json::object();
    latency["mean_batch_ms"] = r.meanBatchMs;
    latency["ms_per_example"] = r.msPerExample;
    latency["examples_per_second"] = r.examplesPerSecond;
    latency["n_batches"] = r.nBatches;
    latency["total_seconds"] = r.totalSeconds;
    j["latency"] = latency;
    j["predictions"] = r.predictions;
    j["coverage"] = coverageName(r.coverage);
    j["stream"] = toJson(r.last);
    return j;
}

namespace {

Json estimateJson(const StreamingEstimate& e)
{
    Json j = Json::object();
    j["value"] = number(e.value);
    j["low"] = number(e.interval.low);
    j["high"] = number(e.interval.high);
    j["exact"] = e.exact();
    return j;
}

} // namespace

Json toJson(const EvalPartial& p)
{
    Json j = Json::object();
    j["done"] = p.nDone;
    j["total"] = p.nTotal;
    j["labelled"] = p.nLabelled;
    j["population"] = p.nPopulation;
    j["n_correct"] = p.nCorrect;
    j["accuracy_so_far"] = number(p.accuracy());
    j["accuracy_estimate"] = estimateJson(p.accuracyEstimate());
    if (p.paired) {
        Json d = estimateJson(p.deltaEstimate());
        d["n_baseline_only"] = p.nBaselineOnly;
        d["n_current_only"] = p.nCurrentOnly;
        j["delta"] = d;
    } else {
        j["delta"] = nullptr;
    }
    return j;
}

Result<EvalPartial> evalPartialFromJson(const Json& j)
{
    return readJson<EvalPartial>("evaluation stream", [&]() {
        EvalPartial p;
        p.nDone = integerFrom<int64_t>(j.at("done"));
        p.nTotal = integerFrom<int64_t>(j.at("total"));
        p.nLabelled = integerFrom<int64_t>(j.at("labelled"));
        p.nPopulation = integerFrom<int64_t>(j.at("population"));
        p.nCorrect = integerFrom<int64_t>(j.at("n_correct"));
        const Json& d = j.at("delta");
        p.paired = !d.is_null();
        if (p.paired) {
            p.nBaselineOnly = integerFrom<int64_t>(d.at("n_baseline_only"));
            p.nCurrentOnly = integerFrom<int64_t>(d.at("n_current_only"));
        }
        return p;
    });
}

Result<EvalResult> evaluationFromJson(const Json& j)
{
    return readJson<EvalResult>("evaluation", [&]() {
        EvalResult r;
        const Json& acc = j.at("accuracy");
        r.n = integerFrom<int64_t>(acc.at("n"));
        r.nCorrect = integerFrom<int64_t>(acc.at("n_correct"));
        r.accuracy = r.n > 0 ? double(r.nCorrect) / double(r.n) : 0.0;
        r.accuracyInterval = wilsonInterval(r.nCorrect, r.n);
        r.meanLoss = j.at("mean_loss").is_null() ? 0.0 : j.at("mean_loss").get<double>();
        const Json& lat = j.at("latency");
        r.meanBatchMs = lat.at("mean_batch_ms").get<double>();
        r.msPerExample = lat.at("ms_per_example").get<double>();
        r.examplesPerSecond = lat.at("examples_per_second").get<double>();
        r.nBatches = integerFrom<int64_t>(lat.at("n_batches"));
        r.totalSeconds = lat.at("total_seconds").get<double>();
        r.predictions = integersFrom<int>(j.at("predictions"));
        r.coverage = parseName(j.at("coverage"), &parseCoverage);
        r.last = valueOrThrow(evalPartialFromJson(j.at("stream")));
        return r;
    });
}

// --- importance --------------------------------------------------------------------------------

Json toJson(const ImportanceResult& r)
{
    Json j = Json::object();
    j["method"] = importanceMethodName(r.params.method);
    j["normalization"] = normalizationName(r.params.normalization);
    j["batch_size"] = r.params.batchSize;
    j["scores"] = byType(matrixJson(r.normalized));
    j["scores_raw"] = byType(matrixJson(r.raw));
    j["n_examples"] = r.nExamples;
    j["n_tokens"] = r.nTokens;
    j["seconds"] = r.seconds;
    return j;
}

Result<ImportanceResult> importanceFromJson(const Json& j)
{
    return readJson<ImportanceResult>("importance", [&]() {
        ImportanceResult r;
        r.params.method = parseName(j.at("method"), &parseImportanceMethod);
        r.params.normalization = parseName(j.at("normalization"), &parseNormalization);
        r.params.batchSize = integerFrom<int>(j.at("batch_size"));
        r.normalized = matrixFromJson(ofType(j.at("scores")));
        r.raw = matrixFromJson(ofType(j.at("scores_raw")));
        r.nExamples = integerFrom<int64_t>(j.at("n_examples"));
        r.nTokens = integerFrom<int64_t>(j.at("n_tokens"));
        r.seconds = j.at("seconds").get<double>();
        return r;
    });
}

// --- ablation ----------------------------------------------------------------------------------

Json toJson(const AblationResult& r, double alpha)
{
    Json j = Json::object();
    j["mode"] = ablationModeName(r.params.mode);
    j["batch_size"] = r.params.batchSize;
    j["fast_path"] = r.params.fastPath;
    j["layers_done"] = r.layersDone;
    if (r.layersResumed > 0)
        j["layers_resumed"] = r.layersResumed; // taken over from a checkpoint after a crash
    j["complete"] = r.complete();
    const int64_t nCorrect = r.baselineCorrect.empty() ? std::llround(r.baselineAccuracy * double(r.n))
                                                       : countOnes(r.baselineCorrect);
    j["baseline"] = baselineJson(nCorrect, r.n);
    j["accuracy"] = byType(matrixJson(r.accuracy));
    j["delta"] = byType(matrixJson(r.delta));
    j["p_ttest"] = byType(matrixJson(r.pTTest));
    j["p_mcnemar"] = byType(matrixJson(r.pMcNemar));
    j["alpha"] = alpha;
    Json significant = Json::array();
    for (const auto& row : r.pTTest) {
        Json s = Json::array();
        for (double p : row)
            s.push_back(std::isfinite(p) && p < alpha);
        significant.push_back(s);
    }
    j["significant"] = byType(significant);
    j["seconds"] = r.seconds;
    return j;
}

Result<AblationResult> ablationFromJson(const Json& j)
{
    return readJson<AblationResult>("ablation", [&]() {
        AblationResult r;
        r.params.mode = parseName(j.at("mode"), &parseAblationMode);
        r.params.batchSize = integerFrom<int>(j.at("batch_size"));
        r.params.fastPath = j.at("fast_path").get<bool>();
        r.layersDone = integerFrom<int>(j.at("layers_done"));
        r.layersResumed = j.contains("layers_resumed") ? integerFrom<int>(j.at("layers_resumed")) : 0;
        r.accuracy = matrixFromJson(ofType(j.at("accuracy")));
        r.nLayers = int(r.accuracy.size());
        const Json& base = j.at("baseline");
        r.n = integerFrom<int64_t>(base.at("n"));
        r.baselineAccuracy = base.at("value").get<double>();
        r.delta = matrixFromJson(ofType(j.at("delta")));
        r.pTTest = matrixFromJson(ofType(j.at("p_ttest")));
        r.pMcNemar = matrixFromJson(ofType(j.at("p_mcnemar")));
        r.seconds = j.at("seconds").get<double>();
        return r;
    });
}

// --- entropy, attention view -------------------------------------------------------------------

Json toJson(const EntropyResult& r)
{
    Json j = Json::object();
    j["batch_size"] = r.params.batchSize;
    j["unit"] = "nats, mean over non-padding query positions";
    j["entropy"] = byType(matrixJson(r.entropy));
    return j;
}

Result<EntropyResult> entropyFromJson(const Json& j)
{
    return readJson<EntropyResult>("entropy", [&]() {
        EntropyResult r;
        r.params.batchSize = integerFrom<int>(j.at("batch_size"));
        r.entropy = matrixFromJson(ofType(j.at("entropy")));
        return r;
    });
}

Json toJson(const AttentionView& v)
{
    Json j = Json::object();
    j["example"] = v.example;
    j["layer"] = v.layer;
    j["head"] = v.head;
    j["head_masked_already"] = v.headMaskedAlready;
    j["tokens"] = v.tokens;
    j["weights"] = v.weights;
    j["entropy"] = v.entropy;
    j["logits"] = v.logits;
    j["logits_head_masked"] = v.logitsHeadMasked;
    j["prediction"] = v.prediction;
    j["prediction_head_masked"] = v.predictionHeadMasked;
    return j;
}

Result<AttentionView> attentionFromJson(const Json& j)
{
    return readJson<AttentionView>("attention", [&]() {
        AttentionView v;
        v.example = integerFrom<size_t>(j.at("example"));
        v.layer = integerFrom<int>(j.at("layer"));
        v.head = integerFrom<int>(j.at("head"));
        v.headMaskedAlready = j.at("head_masked_already").get<bool>();
        v.tokens = j.at("tokens").get<std::vector<std::string>>();
        v.weights = j.at("weights").get<std::vector<std::vector<float>>>();
        v.entropy = j.at("entropy").get<double>();
        v.logits = j.at("logits").get<std::vector<float>>();
        v.logitsHeadMasked = j.at("logits_head_masked").get<std::vector<float>>();
        v.prediction = integerFrom<int>(j.at("prediction"));
        v.predictionHeadMasked = integerFrom<int>(j.at("prediction_head_masked"));
        return v;
    });
}

} // namespace headscope::core::report
