#include "translation_runs.h"

#include "analysis/translation_ablation.h"
#include "analysis/translation_eval.h"
#include "analysis/translation_importance.h"
#include "cli_error.h"
#include "mask/mask_file.h"
#include "mask_formats.h"
#include "model/seq2seq_model.h"
#include "progress_reporter.h"
#include "report/result_json.h"
#include "report/translation_json.h"
#include "text_table.h"
#include "translation_inputs.h"

#include <cmath>
#include <cstdio>
#include <memory>

namespace headscope::cli {

namespace {

using core::AttentionType;

TranslationInputs loadInputs(const TranslationRunInputs& in)
{
    TranslationInputs loaded =
        loadTranslationInputs(in.modelDir, in.translation, in.maskPath, in.limit, in.common);
    if (loaded.maskGiven)
        std::fprintf(stderr, "mask     %s: %s\n", in.maskPath.c_str(),
                     core::report::seq2seqMasksJson(loaded.masks).at("descriptor").get<std::string>().c_str());
    return loaded;
}

void writeEnvelope(Json& doc, const TranslationInputs& in)
{
    doc["model"] = core::report::seq2seqModelJson(*in.model);
    doc["data"] = core::report::translationDataJson(in.set);
    doc["mask"] = core::report::seq2seqMasksJson(in.masks);
}

void printEval(const char* label, const core::TranslationEvalResult& r)
{
    if (r.hasReferences) {
        const auto& s = r.bleu;
        std::fprintf(stderr, "%-8s BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %lld ref_len = %lld)",
                     label, s.score, s.precisions[0], s.precisions[1], s.precisions[2], s.precisions[3], s.bp,
                     s.ratio, static_cast<long long>(s.sysLen), static_cast<long long>(s.refLen));
        if (r.chrf) std::fprintf(stderr, ", chrF2 = %.2f", *r.chrf);
        std::fprintf(stderr, "\n");
    }
    std::fprintf(stderr, "%-8s %lld sentences, %lld tokens in %.2f s: %.1f tokens/s, %.1f sentences/s (beam %d)\n",
                 "speed", static_cast<long long>(r.nSentences), static_cast<long long>(r.nTokens), r.seconds,
                 r.tokensPerSecond, r.sentencesPerSecond, r.beamSize);
}

} // namespace

void runTranslationEval(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in, bool stream)
{
    const TranslationInputs inputs = loadInputs(in);
    core::TranslationEvalParams params;
    params.decode = decodeParams(in.translation, in.common);
    const auto streamLine = [stream](const char* phase) -> core::TranslationPartialCallback {
        if (!stream) return {};
        return [phase](const core::TranslationPartial& part) {
            Json line = core::report::toJson(part);
            line["phase"] = phase;
            const std::string text = line.dump() + "\n";
            std::fwrite(text.data(), 1, text.size(), stdout);
            std::fflush(stdout);
        };
    };
    const bool masked = !inputs.masks.allKept();
    std::optional<core::TranslationEvalResult> baseline;
    if (masked && inputs.set.hasReferences()) {
        // The unmasked run on the same sentences: the paired bootstrap compares against it.
        baseline = unwrap(core::evaluateTranslation(*inputs.model, inputs.set, params, progress.stage("baseline"),
                                                    streamLine("baseline")));
        progress.finishLine();
        params.baselineSegments = std::make_shared<const std::vector<core::BleuStats>>(baseline->segments);
    }
    params.decode.masks = inputs.masks;
    const core::TranslationEvalResult r = unwrap(core::evaluateTranslation(
        *inputs.model, inputs.set, params, progress.stage("translate"), streamLine(masked ? "masked" : "eval")));
    progress.finishLine();

    writeEnvelope(doc, inputs);
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r);
    if (baseline) doc["results"]["baseline_translation"] = core::report::toJson(*baseline, false);
    if (baseline) printEval("baseline", *baseline);
    printEval(masked ? "masked" : "eval", r);
    if (r.bootstrap)
        std::fprintf(stderr, "change   %+.2f BLEU (95%%: %+.2f to %+.2f), paired bootstrap p = %.4f (%d resamples)\n",
                     r.bootstrap->delta, r.bootstrap->deltaInterval.low, r.bootstrap->deltaInterval.high,
                     r.bootstrap->pValue, r.bootstrap->nResamples);
}

void runTranslationImportance(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                              core::ImportanceNormalization normalization)
{
    const TranslationInputs inputs = loadInputs(in);
    core::TranslationImportanceParams params;
    params.normalization = normalization;
    params.batchSize = in.common.batchSize;
    params.masks = inputs.masks;
    const core::TranslationImportanceResult r = unwrap(
        core::computeTranslationImportance(*inputs.model, inputs.set, params, progress.stage("importance")));
    progress.finishLine();

    writeEnvelope(doc, inputs);
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r);
    std::fprintf(stderr, "importance: mask-gradient, normalised %s, %lld pairs, %lld target tokens, mean loss %.4f, %.2f s\n",
                 core::normalizationName(normalization), static_cast<long long>(r.nExamples),
                 static_cast<long long>(r.nTokens), r.meanLoss, r.seconds);
    printHeadMatrices("normalised importance", r.normalized, 4);
}

void runTranslationAblation(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                            const TranslationAblateOptions& options)
{
    const TranslationInputs inputs = loadInputs(in);
    core::TranslationAblationParams params;
    params.mode = options.mode;
    if (!options.types.empty()) params.types = options.types;
    params.decode = decodeParams(in.translation, in.common);
    params.decode.masks = inputs.masks;
    params.subsetSize = options.subsetSize;
    params.subsetRandom = options.subsetRandom;
    params.subsetSeed = in.common.seed;
    const core::TranslationAblationResult r = unwrap(core::runTranslationAblation(
        *inputs.model, inputs.set, params, progress.stage(std::string("ablate ") + core::ablationModeName(params.mode))));
    progress.finishLine();

    writeEnvelope(doc, inputs);
    const Json section = core::report::toJson(r, options.alpha);
    doc["results"][core::report::resultKey(r)] = section;

    std::fprintf(stderr, "baseline BLEU %.2f on %zu of %lld sentences; %s ablation in %.2f s "
                         "(%lld encoder passes, %lld decodes)\n",
                 r.baselineBleu, r.subset.size(), static_cast<long long>(r.nPopulation),
                 core::ablationModeName(params.mode), r.seconds, static_cast<long long>(r.encoderPasses),
                 static_cast<long long>(r.decoderPasses));
    for (AttentionType t : params.types) {
        const int n = r.nVariants[size_t(t)];
        std::fprintf(stderr, "%-16s %d heads in %.2f s (%.3f s per head)\n", core::attentionTypeName(t), n,
                     r.variantSeconds[size_t(t)], n > 0 ? r.variantSeconds[size_t(t)] / n : 0.0);
    }
    for (AttentionType t : params.types) {
        std::vector<std::vector<bool>> significant;
        for (const auto& row : section.at("significant").at(core::attentionTypeName(t)))
            significant.push_back(row.get<std::vector<bool>>());
        const std::string name = core::attentionTypeName(t);
        printMatrix(params.mode == core::AblationMode::KeepOne ? "BLEU with only this head kept in its layer (" + name + "):"
                                                               : "BLEU with this head masked (" + name + "):",
                    r.bleu.of(t), 2);
        printMatrix(options.markSignificant ? "BLEU change (" + name + "; * = bootstrap p < alpha):"
                                            : "BLEU change (" + name + "):",
                    r.delta.of(t), 2, options.markSignificant ? &significant : nullptr);
    }
}

void runTranslationPruneCurves(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                               const TranslationCurveOptions& options)
{
    const TranslationInputs inputs = loadInputs(in);
    if (inputs.maskGiven) throw badArgument("prune-curve starts from the full model: --mask is not used here");
    core::TranslationPruneCurveParams params;
    if (!options.scopes.empty()) params.scopes = options.scopes;
    params.stepPercent = options.stepPercent;
    params.minHeadsPerLayer = options.minHeadsPerLayer;
    params.decode = decodeParams(in.translation, in.common);
    params.importance.normalization = options.normalization;
    params.importance.batchSize = in.common.batchSize;
    const core::TranslationPruneCurveSet s = unwrap(
        core::computeTranslationPruneCurves(*inputs.model, inputs.set, params, progress.stage("prune-curve")));
    progress.finishLine();

    writeEnvelope(doc, inputs);
    doc["results"][core::report::resultKey(s)] = core::report::toJson(s);
    std::fprintf(stderr, "baseline BLEU %.2f; %zu curves in %.2f s (%lld encoder passes)\n", s.baselineBleu,
                 s.curves.size(), s.seconds, static_cast<long long>(s.encoderPasses));
    for (const auto& c : s.curves) {
        std::fprintf(stderr, "curve %s (%d heads, by importance):\n", core::pruneScopeName(c.scope), c.totalHeads);
        std::vector<std::vector<std::string>> rows{{"percent", "pruned", "BLEU", "chrF2", "descriptor"}};
        for (const auto& p : c.points)
            rows.push_back({formatNumber(p.percent, 1), std::to_string(p.nPruned), formatNumber(p.bleu, 2),
                            formatNumber(p.chrf, 2),
                            core::report::seq2seqMasksJson(p.masks).at("descriptor").get<std::string>()});
        printTable(rows, {false, false, false, false, true});
    }
    if (!options.exportMask.empty()) {
        const core::TranslationPruneCurvePoint* point = nullptr;
        for (const auto& p : s.curves.front().points)
            if (std::fabs(p.percent - options.exportStep) < 1e-6) point = &p;
        if (!point)
            throw badArgument("--export-step " + formatNumber(options.exportStep, 3) +
                              " is not a step of the curve (multiples of --step)");
        core::MaskSet set;
        set.architecture = inputs.model->config().modelType;
        set.nLayers = inputs.model->nLayers(AttentionType::EncoderSelf);
        set.nHeads = inputs.model->nHeads(AttentionType::EncoderSelf);
        for (AttentionType t : core::kSeq2SeqAttentionTypes) set.masks.emplace(t, point->masks.of(t));
        writeMaskAs(options.exportMask, set, options.exportFormat);
        std::fprintf(stderr, "mask of %s at %.1f%% written to %s\n", core::pruneScopeName(s.curves.front().scope),
                     point->percent, options.exportMask.c_str());
    }
}

} // namespace headscope::cli
