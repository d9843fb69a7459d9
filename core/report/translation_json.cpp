// JSON of the translation-model analyses: evaluation, importance, ablation, pruning curves.
#include "report/translation_json.h"

#include "mask/mask_file.h"
#include "report/report_common.h"
#include "report/result_json.h"

#include <cmath>
#include <stdexcept>

namespace headscope::core::report {

namespace {

Json typedDescriptor(const Seq2SeqMasks& masks)
{
    MaskSet set;
    set.architecture = "marian";
    for (AttentionType t : kSeq2SeqAttentionTypes)
        if (!masks.of(t).empty())
            set.masks.emplace(t, masks.of(t));
    return maskToDescriptor(set);
}

int maskedCount(const Seq2SeqMasks& masks)
{
    int n = 0;
    for (AttentionType t : kSeq2SeqAttentionTypes)
        n += masks.of(t).empty() ? 0 : masks.of(t).countMasked();
    return n;
}

Json latencyJson(const TranslationEvalResult& r)
{
    Json j = Json::object();
    j["tokens_per_second"] = r.tokensPerSecond;
    j["sentences_per_second"] = r.sentencesPerSecond;
    j["n_tokens"] = r.nTokens;
    j["encode_seconds"] = r.encodeSeconds;
    j["decode_seconds"] = r.decodeSeconds;
    j["total_seconds"] = r.seconds;
    return j;
}

Json bootstrapJson(const PairedBootstrapResult& b)
{
    Json j = Json::object();
    j["baseline"] = b.baselineScore;
    j["system"] = b.systemScore;
    j["delta"] = b.delta;
    j["delta_low"] = b.deltaInterval.low;
    j["delta_high"] = b.deltaInterval.high;
    j["p_value"] = b.pValue;
    j["system_mean"] = b.systemMean;
    j["system_ci"] = b.systemCi;
    j["n_resamples"] = b.nResamples;
    j["seed"] = b.seed;
    return j;
}

PairedBootstrapResult bootstrapFromJson(const Json& j)
{
    PairedBootstrapResult b;
    b.baselineScore = j.at("baseline").get<double>();
    b.systemScore = j.at("system").get<double>();
    b.delta = j.at("delta").get<double>();
    b.deltaInterval.low = j.at("delta_low").get<double>();
    b.deltaInterval.high = j.at("delta_high").get<double>();
    b.pValue = j.at("p_value").get<double>();
    b.systemMean = j.at("system_mean").get<double>();
    b.systemCi = j.at("system_ci").get<double>();
    b.nResamples = integerFrom<int>(j.at("n_resamples"));
    b.seed = integerFrom<uint64_t>(j.at("seed"));
    return b;
}

Json decodeJson(int beamSize, int maxLength, int batchSize)
{
    Json j = Json::object();
    j["beam_size"] = beamSize;
    j["max_length"] = maxLength;
    j["batch_size"] = batchSize;
    return j;
}

// Masks read back with the shape of the matrices they came with (the model is not at hand).
Seq2SeqMasks shapesOf(const HeadMatrices& m)
{
    Seq2SeqMasks s;
    for (AttentionType t : kSeq2SeqAttentionTypes) {
        const Matrix& x = m.of(t);
        s.of(t) = HeadMask(int(x.size()), x.empty() ? 0 : int(x[0].size()));
    }
    return s;
}

std::vector<AttentionType> typesFromJson(const Json& j)
{
    std::vector<AttentionType> types;
    for (const auto& name : j) {
        AttentionType t;
        if (!parseAttentionType(name.get<std::string>(), t))
            throw std::invalid_argument("unknown attention type \"" + name.get<std::string>() + "\"");
        types.push_back(t);
    }
    return types;
}

} // namespace

// --- building blocks -------------------------------------------------------------------------

Json headMatricesJson(const HeadMatrices& m)
{
    Json j = Json::object();
    for (AttentionType t : kSeq2SeqAttentionTypes)
        j[attentionTypeName(t)] = matrixJson(m.of(t));
    return j;
}

HeadMatrices headMatricesFromJson(const Json& j)
{
    HeadMatrices m;
    for (AttentionType t : kSeq2SeqAttentionTypes)
        m.of(t) = matrixFromJson(j.at(attentionTypeName(t)));
    return m;
}

Json seq2seqMasksJson(const Seq2SeqMasks& masks)
{
    Json j = Json::object();
    j["descriptor"] = typedDescriptor(masks);
    j["n_masked"] = maskedCount(masks);
    Json pruned = Json::object();
    for (AttentionType t : kSeq2SeqAttentionTypes)
        pruned[attentionTypeName(t)] = maskedHeadsJson(masks.of(t));
    j["pruned"] = pruned;
    return j;
}

Result<Seq2SeqMasks> seq2seqMasksFromJson(const Json& j, const Seq2SeqMasks& shapes)
{
    return readJson<Seq2SeqMasks>("mask", [&]() {
        Seq2SeqMasks masks;
        const Json& pruned = j.at("pruned");
        for (AttentionType t : kSeq2SeqAttentionTypes) {
            const HeadMask& shape = shapes.of(t);
            HeadMask mask(shape.nLayers(), shape.nHeads());
            auto it = pruned.find(attentionTypeName(t));
            if (it != pruned.end())
                for (const auto& [layer, heads] : it->items()) {
                    const int l = std::stoi(layer);
                    for (const auto& h : heads) {
                        const int head = integerFrom<int>(h);
                        if (l < 0 || l >= mask.nLayers() || head < 0 || head >= mask.nHeads())
                            throw std::out_of_range(std::string(attentionTypeName(t)) + " head " + layer + ":" +
                                                    std::to_string(head) + " is outside the model");
                        mask.setKept(l, head, false);
                    }
                }
            masks.of(t) = mask;
        }
        return masks;
    });
}

Json translationDataJson(const TranslationSet& set)
{
    Json j = Json::object();
    j["source"] = set.sourcePath;
    j["reference"] = set.hasReferences() ? Json(set.referencePath) : Json(nullptr);
    j["n"] = set.size();
    return j;
}

// --- results ---------------------------------------------------------------------------------

const char* resultKey(const TranslationEvalResult&) { return "translation"; }
const char* resultKey(const TranslationImportanceResult&) { return "importance"; }
const char* resultKey(const TranslationAblationResult& r)
{
    return r.params.mode == AblationMode::KeepOne ? "keep_one" : "ablation";
}
const char* resultKey(const TranslationPruneCurveSet&) { return "prune_curves"; }
const char* resultKey(const TranslationLatencyResult&) { return "latency"; }
const char* resultKey(const TranslationCompareResult&) { return "compare"; }

Json toJson(const TranslationEvalResult& r, bool withHypotheses)
{
    Json j = decodeJson(r.beamSize, r.maxLength, r.batchSize);
    j["mask"] = seq2seqMasksJson(r.masks);
    j["n"] = r.nSentences;
    j["n_reached_max_length"] = r.nReachedMaxLength;
    j["bleu"] = r.hasReferences ? bleuScoreJson(r.bleu, r.bleuParams, 1, r.segments.size(),
                                                bleuSignature(r.bleuParams, 1, headscopeVersion()))
                                : Json(nullptr);
    if (r.chrf) {
        Json c = Json::object();
        c["score"] = *r.chrf;
        c["signature"] = chrfSignature(r.chrfParams, 1, headscopeVersion());
        j["chrf"] = c;
    } else {
        j["chrf"] = nullptr;
    }
    j["bootstrap"] = r.bootstrap ? bootstrapJson(*r.bootstrap) : Json(nullptr);
    j["latency"] = latencyJson(r);
    j["hypotheses"] = withHypotheses ? Json(r.hypotheses) : Json(nullptr);
    return j;
}

Result<TranslationEvalResult> translationEvalFromJson(const Json& j, const Seq2SeqMasks& shapes)
{
    return readJson<TranslationEvalResult>("translation", [&]() {
        TranslationEvalResult r;
        r.beamSize = integerFrom<int>(j.at("beam_size"));
        r.maxLength = integerFrom<int>(j.at("max_length"));
        r.batchSize = integerFrom<int>(j.at("batch_size"));
        r.nSentences = integerFrom<int64_t>(j.at("n"));
        r.nReachedMaxLength = integerFrom<int64_t>(j.at("n_reached_max_length"));
        r.hasReferences = !j.at("bleu").is_null();
        if (r.hasReferences)
            r.bleu = bleuScoreFromJson(j.at("bleu"), &r.bleuParams);
        if (!j.at("chrf").is_null())
            r.chrf = j.at("chrf").at("score").get<double>();
        if (!j.at("bootstrap").is_null())
            r.bootstrap = bootstrapFromJson(j.at("bootstrap"));
        const Json& lat = j.at("latency");
        r.tokensPerSecond = lat.at("tokens_per_second").get<double>();
        r.sentencesPerSecond = lat.at("sentences_per_second").get<double>();
        r.nTokens = integerFrom<int64_t>(lat.at("n_tokens"));
        r.encodeSeconds = lat.at("encode_seconds").get<double>();
        r.decodeSeconds = lat.at("decode_seconds").get<double>();
        r.seconds = lat.at("total_seconds").get<double>();
        if (!j.at("hypotheses").is_null())
            r.hypotheses = j.at("hypotheses").get<std::vector<std::string>>();
        r.masks = valueOrThrow(seq2seqMasksFromJson(j.at("mask"), shapes));
        return r;
    });
}

Json toJson(const TranslationPartial& p)
{
    Json j = Json::object();
    j["index"] = p.index;
    j["done"] = p.nDone;
    j["total"] = p.nTotal;
    j["bleu_so_far"] = p.bleu.score;
    return j;
}

Json toJson(const TranslationImportanceResult& r)
{
    Json j = Json::object();
    j["method"] = importanceMethodName(ImportanceMethod::MaskGradient);
    j["normalization"] = normalizationName(r.params.normalization);
    j["batch_size"] = r.params.batchSize;
    j["scores"] = headMatricesJson(r.normalized);
    j["scores_raw"] = headMatricesJson(r.raw);
    j["n_examples"] = r.nExamples;
    j["n_tokens"] = r.nTokens;
    j["mean_loss"] = number(r.meanLoss);
    j["seconds"] = r.seconds;
    return j;
}

Result<TranslationImportanceResult> translationImportanceFromJson(const Json& j)
{
    return readJson<TranslationImportanceResult>("importance", [&]() {
        TranslationImportanceResult r;
        r.params.normalization = parseName(j.at("normalization"), &parseNormalization);
        r.params.batchSize = integerFrom<int>(j.at("batch_size"));
        r.normalized = headMatricesFromJson(j.at("scores"));
        r.raw = headMatricesFromJson(j.at("scores_raw"));
        r.nExamples = integerFrom<int64_t>(j.at("n_examples"));
        r.nTokens = integerFrom<int64_t>(j.at("n_tokens"));
        r.meanLoss = numberFrom(j.at("mean_loss"));
        r.seconds = j.at("seconds").get<double>();
        return r;
    });
}

Json toJson(const TranslationAblationResult& r, double alpha)
{
    Json j = decodeJson(r.params.decode.beamSize, r.params.decode.maxLength, r.params.decode.batchSize);
    j["mode"] = ablationModeName(r.params.mode);
    Json types = Json::array();
    for (AttentionType t : r.params.types)
        types.push_back(attentionTypeName(t));
    j["types"] = types;
    j["base_mask"] = seq2seqMasksJson(r.params.decode.masks);
    j["subset"] = r.subset;
    j["subset_random"] = r.params.subsetRandom;
    j["subset_seed"] = r.params.subsetSeed;
    j["n"] = r.subset.size();
    j["n_population"] = r.nPopulation;
    j["baseline"] = {{"metric", "bleu"}, {"value", r.baselineBleu}, {"n", r.subset.size()}};
    j["bleu"] = headMatricesJson(r.bleu);
    j["delta"] = headMatricesJson(r.delta);
    j["p_bootstrap"] = headMatricesJson(r.pValue);
    j["delta_low"] = headMatricesJson(r.deltaLow);
    j["delta_high"] = headMatricesJson(r.deltaHigh);
    j["significance"] = r.params.significance;
    j["n_resamples"] = r.params.bootstrap.nResamples;
    j["bootstrap_seed"] = r.params.bootstrap.seed;
    j["alpha"] = alpha;
    Json significant = Json::object();
    for (AttentionType t : kSeq2SeqAttentionTypes) {
        Json rows = Json::array();
        for (const auto& row : r.pValue.of(t)) {
            Json s = Json::array();
            for (double p : row)
                s.push_back(std::isfinite(p) && p < alpha);
            rows.push_back(s);
        }
        significant[attentionTypeName(t)] = rows;
    }
    j["significant"] = significant;
    Json layersDone = Json::array();
    for (const auto& [type, layer] : r.layersDone)
        layersDone.push_back({{"type", attentionTypeName(type)}, {"layer", layer}});
    j["layers_done"] = layersDone;
    j["n_layers_total"] = r.nLayersTotal;
    j["complete"] = r.complete();
    j["encoder_passes"] = r.encoderPasses;
    j["decoder_passes"] = r.decoderPasses;
    Json timing = Json::object();
    for (AttentionType t : kSeq2SeqAttentionTypes) {
        const int n = r.nVariants[size_t(t)];
        const double s = r.variantSeconds[size_t(t)];
        timing[attentionTypeName(t)] = {{"variants", n}, {"seconds", s},
                                        {"seconds_per_head", n > 0 ? number(s / n) : Json(nullptr)},
                                        {"tokens", r.variantTokens[size_t(t)]}};
    }
    j["timing"] = timing;
    j["seconds"] = r.seconds;
    return j;
}

Result<TranslationAblationResult> translationAblationFromJson(const Json& j)
{
    return readJson<TranslationAblationResult>("ablation", [&]() {
        TranslationAblationResult r;
        for (AblationMode m : {AblationMode::SingleHead, AblationMode::KeepOne})
            if (j.at("mode").get<std::string>() == ablationModeName(m))
                r.params.mode = m;
        r.params.types = typesFromJson(j.at("types"));
        r.params.decode.beamSize = integerFrom<int>(j.at("beam_size"));
        r.params.decode.maxLength = integerFrom<int>(j.at("max_length"));
        r.params.decode.batchSize = integerFrom<int>(j.at("batch_size"));
        r.subset = j.at("subset").get<std::vector<size_t>>();
        r.params.subsetRandom = j.at("subset_random").get<bool>();
        r.params.subsetSeed = integerFrom<uint64_t>(j.at("subset_seed"));
        r.params.subsetSize = int64_t(r.subset.size());
        r.nPopulation = integerFrom<int64_t>(j.at("n_population"));
        r.baselineBleu = j.at("baseline").at("value").get<double>();
        r.bleu = headMatricesFromJson(j.at("bleu"));
        r.delta = headMatricesFromJson(j.at("delta"));
        r.pValue = headMatricesFromJson(j.at("p_bootstrap"));
        r.deltaLow = headMatricesFromJson(j.at("delta_low"));
        r.deltaHigh = headMatricesFromJson(j.at("delta_high"));
        r.params.decode.masks = valueOrThrow(seq2seqMasksFromJson(j.at("base_mask"), shapesOf(r.bleu)));
        r.params.significance = j.at("significance").get<bool>();
        r.params.bootstrap.nResamples = integerFrom<int>(j.at("n_resamples"));
        r.params.bootstrap.seed = integerFrom<uint64_t>(j.at("bootstrap_seed"));
        for (const auto& d : j.at("layers_done")) {
            AttentionType t;
            if (!parseAttentionType(d.at("type").get<std::string>(), t))
                throw std::invalid_argument("unknown attention type in \"layers_done\"");
            r.layersDone.emplace_back(t, integerFrom<int>(d.at("layer")));
        }
        r.nLayersTotal = integerFrom<int>(j.at("n_layers_total"));
        r.encoderPasses = integerFrom<int64_t>(j.at("encoder_passes"));
        r.decoderPasses = integerFrom<int64_t>(j.at("decoder_passes"));
        for (AttentionType t : kSeq2SeqAttentionTypes) {
            const Json& timing = j.at("timing").at(attentionTypeName(t));
            r.nVariants[size_t(t)] = integerFrom<int>(timing.at("variants"));
            r.variantSeconds[size_t(t)] = timing.at("seconds").get<double>();
            r.variantTokens[size_t(t)] = integerFrom<int64_t>(timing.at("tokens"));
        }
        r.seconds = j.at("seconds").get<double>();
        return r;
    });
}

Json toJson(const TranslationPruneCurveSet& s)
{
    Json j = decodeJson(s.params.decode.beamSize, s.params.decode.maxLength, s.params.decode.batchSize);
    j["order"] = pruneOrderName(PruneOrder::Importance);
    j["step_percent"] = s.params.stepPercent;
    j["min_heads_per_layer"] = s.params.minHeadsPerLayer;
    j["normalization"] = normalizationName(s.params.importance.normalization);
    j["scores"] = headMatricesJson(s.scores);
    j["baseline"] = {{"metric", "bleu"}, {"value", s.baselineBleu}};
    Json curves = Json::array();
    for (const auto& c : s.curves) {
        Json curve = Json::object();
        curve["scope"] = pruneScopeName(c.scope);
        curve["total_heads"] = c.totalHeads;
        Json points = Json::array();
        for (const auto& p : c.points) {
            Json point = Json::object();
            point["percent"] = p.percent;
            point["n_pruned"] = p.nPruned;
            point["bleu"] = p.bleu;
            point["chrf"] = p.chrf;
            point["n_tokens"] = p.nTokens;
            point["mask"] = seq2seqMasksJson(p.masks);
            points.push_back(point);
        }
        curve["points"] = points;
        curves.push_back(curve);
    }
    j["curves"] = curves;
    j["encoder_passes"] = s.encoderPasses;
    j["seconds"] = s.seconds;
    j["complete"] = s.complete;
    return j;
}

Result<TranslationPruneCurveSet> translationPruneCurvesFromJson(const Json& j, const Seq2SeqMasks& shapes)
{
    return readJson<TranslationPruneCurveSet>("prune_curves", [&]() {
        TranslationPruneCurveSet s;
        s.params.decode.beamSize = integerFrom<int>(j.at("beam_size"));
        s.params.decode.maxLength = integerFrom<int>(j.at("max_length"));
        s.params.decode.batchSize = integerFrom<int>(j.at("batch_size"));
        s.params.stepPercent = j.at("step_percent").get<double>();
        s.params.minHeadsPerLayer = integerFrom<int>(j.at("min_heads_per_layer"));
        s.params.importance.normalization = parseName(j.at("normalization"), &parseNormalization);
        s.scores = headMatricesFromJson(j.at("scores"));
        s.baselineBleu = j.at("baseline").at("value").get<double>();
        s.params.scopes.clear();
        for (const auto& c : j.at("curves")) {
            TranslationPruneCurve curve;
            curve.scope = parseName(c.at("scope"), &parsePruneScope);
            curve.totalHeads = integerFrom<int>(c.at("total_heads"));
            for (const auto& p : c.at("points")) {
                TranslationPruneCurvePoint point;
                point.percent = p.at("percent").get<double>();
                point.nPruned = integerFrom<int>(p.at("n_pruned"));
                point.bleu = p.at("bleu").get<double>();
                point.chrf = p.at("chrf").get<double>();
                point.nTokens = integerFrom<int64_t>(p.at("n_tokens"));
                point.masks = valueOrThrow(seq2seqMasksFromJson(p.at("mask"), shapes));
                curve.points.push_back(point);
            }
            s.params.scopes.push_back(curve.scope);
            s.curves.push_back(std::move(curve));
        }
        s.encoderPasses = integerFrom<int64_t>(j.at("encoder_passes"));
        s.seconds = j.at("seconds").get<double>();
        s.complete = j.at("complete").get<bool>();
        return s;
    });
}

Json toJson(const TranslationLatencyResult& r)
{
    Json j = Json::object();
    j["batch_sizes"] = r.params.batchSizes;
    j["beam_size"] = r.params.beamSize;
    j["max_length"] = r.params.maxLength;
    j["warmup_runs"] = r.params.warmupRuns;
    j["timed_runs"] = r.params.timedRuns;
    j["mask"] = seq2seqMasksJson(r.params.masks);
    j["n_sentences"] = r.nSentences;
    j["device"] = r.device;
    Json rows = Json::array();
    for (const auto& m : r.measurements) {
        double originalRate = 0.0;
        for (const auto& o : r.measurements)
            if (o.variant == "original" && o.batchSize == m.batchSize) originalRate = o.tokensPerSecond;
        Json row = Json::object();
        row["variant"] = m.variant;
        row["batch_size"] = m.batchSize;
        row["median_seconds"] = m.medianSeconds;
        row["q1_seconds"] = m.q1Seconds;
        row["q3_seconds"] = m.q3Seconds;
        row["n_tokens"] = m.nTokens;
        row["tokens_per_second"] = m.tokensPerSecond;
        row["sentences_per_second"] = m.sentencesPerSecond;
        row["parameters"] = m.nParameters;
        row["speedup"] = originalRate > 0.0 ? Json(m.tokensPerSecond / originalRate) : Json(nullptr);
        rows.push_back(row);
    }
    j["measurements"] = rows;
    return j;
}

Result<TranslationLatencyResult> translationLatencyFromJson(const Json& j, const Seq2SeqMasks& shapes)
{
    return readJson<TranslationLatencyResult>("latency", [&]() {
        TranslationLatencyResult r;
        r.params.batchSizes = integersFrom<int>(j.at("batch_sizes"));
        r.params.beamSize = integerFrom<int>(j.at("beam_size"));
        r.params.maxLength = integerFrom<int>(j.at("max_length"));
        r.params.warmupRuns = integerFrom<int>(j.at("warmup_runs"));
        r.params.timedRuns = integerFrom<int>(j.at("timed_runs"));
        r.params.masks = valueOrThrow(seq2seqMasksFromJson(j.at("mask"), shapes));
        r.nSentences = integerFrom<int64_t>(j.at("n_sentences"));
        r.device = j.at("device").get<std::string>();
        for (const auto& row : j.at("measurements")) {
            TranslationLatencyMeasurement m;
            m.variant = row.at("variant").get<std::string>();
            m.batchSize = integerFrom<int>(row.at("batch_size"));
            m.medianSeconds = row.at("median_seconds").get<double>();
            m.q1Seconds = row.at("q1_seconds").get<double>();
            m.q3Seconds = row.at("q3_seconds").get<double>();
            m.nTokens = integerFrom<int64_t>(row.at("n_tokens"));
            m.tokensPerSecond = row.at("tokens_per_second").get<double>();
            m.sentencesPerSecond = row.at("sentences_per_second").get<double>();
            m.nParameters = integerFrom<int64_t>(row.at("parameters"));
            r.measurements.push_back(m);
        }
        auto has = [&](const char* variant) {
            for (const auto& m : r.measurements)
                if (m.variant == variant) return true;
            return false;
        };
        r.params.includeMasked = has("masked");
        r.params.includePruned = has("pruned");
        return r;
    });
}

Json toJson(const TranslationCompareResult& r)
{
    auto side = [](const std::string& source, const std::string& reference, int64_t n, double bleu,
                   const TranslationImportanceResult& importance) {
        Json j = Json::object();
        j["source"] = source;
        j["reference"] = reference;
        j["n"] = n;
        j["bleu"] = bleu;
        j["importance"] = toJson(importance);
        return j;
    };
    Json j = Json::object();
    j["what"] = "importance";
    j["a"] = side(r.sourceA, r.referenceA, r.nA, r.bleuA, r.importanceA);
    j["b"] = side(r.sourceB, r.referenceB, r.nB, r.bleuB, r.importanceB);
    Json correlation = Json::object();
    for (AttentionType t : kSeq2SeqAttentionTypes)
        correlation[attentionTypeName(t)] = correlationJson(r.correlation[size_t(t)]);
    correlation["all_types"] = correlationJson(r.allTypes);
    j["correlation"] = correlation;
    j["seconds"] = r.seconds;
    return j;
}

Result<TranslationCompareResult> translationCompareFromJson(const Json& j)
{
    return readJson<TranslationCompareResult>("compare", [&]() {
        TranslationCompareResult r;
        const Json& a = j.at("a");
        const Json& b = j.at("b");
        r.sourceA = a.at("source").get<std::string>();
        r.referenceA = a.at("reference").get<std::string>();
        r.nA = integerFrom<int64_t>(a.at("n"));
        r.bleuA = a.at("bleu").get<double>();
        r.importanceA = valueOrThrow(translationImportanceFromJson(a.at("importance")));
        r.sourceB = b.at("source").get<std::string>();
        r.referenceB = b.at("reference").get<std::string>();
        r.nB = integerFrom<int64_t>(b.at("n"));
        r.bleuB = b.at("bleu").get<double>();
        r.importanceB = valueOrThrow(translationImportanceFromJson(b.at("importance")));
        r.params.importance = r.importanceA.params;
        for (AttentionType t : kSeq2SeqAttentionTypes)
            r.correlation[size_t(t)] = correlationFromJson(j.at("correlation").at(attentionTypeName(t)));
        r.allTypes = correlationFromJson(j.at("correlation").at("all_types"));
        r.seconds = j.at("seconds").get<double>();
        return r;
    });
}

} // namespace headscope::core::report
