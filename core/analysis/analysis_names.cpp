// The torch-free part of the analysis headers: names of the settings (as the CLI and the JSON
// write them) and the small queries on result values. It lives in headscope_core_base so that
// the result readers of core/report, and their fuzz target, do not need the engine.
#include "analysis/ablation.h"
#include "analysis/compare.h"
#include "analysis/evaluator.h"
#include "analysis/importance.h"
#include "analysis/latency.h"
#include "analysis/prune_curve.h"
#include "analysis/translation_prune_curve.h"

namespace headscope::core {

const char* ablationModeName(AblationMode m) { return m == AblationMode::KeepOne ? "keep-one" : "single"; }

const char* importanceMethodName(ImportanceMethod m)
{
    return m == ImportanceMethod::PaperCode ? "paper-code" : "mask-gradient";
}

bool parseImportanceMethod(const std::string& s, ImportanceMethod& out)
{
    if (s == "mask-gradient") out = ImportanceMethod::MaskGradient;
    else if (s == "paper-code") out = ImportanceMethod::PaperCode;
    else return false;
    return true;
}

const char* normalizationName(ImportanceNormalization n)
{
    switch (n) {
    case ImportanceNormalization::Layer: return "layer";
    case ImportanceNormalization::Global: return "global";
    case ImportanceNormalization::None: return "none";
    }
    return "layer";
}

bool parseNormalization(const std::string& s, ImportanceNormalization& out)
{
    if (s == "layer") out = ImportanceNormalization::Layer;
    else if (s == "global") out = ImportanceNormalization::Global;
    else if (s == "none") out = ImportanceNormalization::None;
    else return false;
    return true;
}

StreamingEstimate EvalPartial::accuracyEstimate() const
{
    return estimateFinalAccuracy(nCorrect, nLabelled, nPopulation);
}

StreamingEstimate EvalPartial::deltaEstimate() const
{
    return estimateFinalPairedDelta(nBaselineOnly, nCurrentOnly, nLabelled, nPopulation);
}

const char* coverageName(EvalResult::Coverage c)
{
    switch (c) {
    case EvalResult::Coverage::All: return "all";
    case EvalResult::Coverage::Sample: return "sample";
    case EvalResult::Coverage::StoppedAtWidth: return "interval";
    }
    return "all";
}

bool parseCoverage(const std::string& name, EvalResult::Coverage& out)
{
    for (auto c : {EvalResult::Coverage::All, EvalResult::Coverage::Sample, EvalResult::Coverage::StoppedAtWidth}) {
        if (name == coverageName(c)) {
            out = c;
            return true;
        }
    }
    return false;
}

const char* compareWhatName(CompareWhat w)
{
    switch (w) {
    case CompareWhat::Ablation:
        return "ablation";
    case CompareWhat::Importance:
        return "importance";
    case CompareWhat::Both:
        return "both";
    }
    return "both";
}

bool parseCompareWhat(const std::string& s, CompareWhat& out)
{
    for (CompareWhat w : {CompareWhat::Ablation, CompareWhat::Importance, CompareWhat::Both})
        if (s == compareWhatName(w)) {
            out = w;
            return true;
        }
    return false;
}

const char* pruneOrderName(PruneOrder o)
{
    switch (o) {
    case PruneOrder::Importance: return "importance";
    case PruneOrder::Ablation: return "ablation";
    case PruneOrder::Random: return "random";
    }
    return "importance";
}

bool parsePruneOrder(const std::string& s, PruneOrder& out)
{
    if (s == "importance") out = PruneOrder::Importance;
    else if (s == "ablation") out = PruneOrder::Ablation;
    else if (s == "random") out = PruneOrder::Random;
    else return false;
    return true;
}

bool PruneCurveSet::complete() const
{
    if (curves.empty())
        return false;
    for (const auto& c : curves)
        if (!c.complete)
            return false;
    return true;
}

double speedupOf(const LatencyResult& r, const std::string& variant, int batchSize, int seqLength)
{
    double base = 0.0, other = 0.0;
    for (const auto& m : r.measurements) {
        if (m.batchSize != batchSize || m.seqLength != seqLength)
            continue;
        if (m.variant == "original")
            base = m.medianMs;
        if (m.variant == variant)
            other = m.medianMs;
    }
    return base > 0 && other > 0 ? base / other : 0.0;
}

const char* pruneScopeName(PruneScope scope)
{
    switch (scope) {
    case PruneScope::EncoderSelf: return "encoder_self";
    case PruneScope::EncoderDecoder: return "encoder_decoder";
    case PruneScope::DecoderSelf: return "decoder_self";
    case PruneScope::All: return "all";
    }
    return "all";
}

bool parsePruneScope(const std::string& name, PruneScope& out)
{
    for (PruneScope s : {PruneScope::EncoderSelf, PruneScope::EncoderDecoder, PruneScope::DecoderSelf, PruneScope::All})
        if (name == pruneScopeName(s)) {
            out = s;
            return true;
        }
    return false;
}

} // namespace headscope::core
