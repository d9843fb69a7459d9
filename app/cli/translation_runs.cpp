#include "translation_runs.h"

#include "analysis/translation_ablation.h"
#include "analysis/translation_compare.h"
#include "analysis/translation_eval.h"
#include "analysis/translation_importance.h"
#include "analysis/translation_latency.h"
#include "cli_error.h"
#include "demo/demo_location.h"
#include "mask/mask_file.h"
#include "mask_formats.h"
#include "model/seq2seq_model.h"
#include "progress_reporter.h"
#include "report/result_json.h"
#include "report/translation_json.h"
#include "text_table.h"
#include "translation_inputs.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
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

void runTranslationLatency(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                           const TranslationLatencyOptions& options)
{
    const TranslationInputs inputs = loadInputs(in);
    core::TranslationLatencyParams params;
    params.batchSizes = options.batchSizes;
    params.beamSize = in.translation.beamSize;
    params.maxLength = in.common.maxLength;
    params.warmupRuns = options.warmupRuns;
    params.timedRuns = options.timedRuns;
    params.masks = inputs.masks;
    params.includeMasked = params.includePruned = !inputs.masks.allKept();
    const core::TranslationLatencyResult r =
        unwrap(core::measureTranslationLatency(*inputs.model, inputs.set, params, progress.stage("bench")));
    progress.finishLine();

    writeEnvelope(doc, inputs);
    const Json section = core::report::toJson(r);
    doc["results"][core::report::resultKey(r)] = section;
    std::fprintf(stderr, "decoding speed on %s over %lld sentences (%d warm-up + %d timed passes per row, beam %d):\n",
                 r.device.c_str(), static_cast<long long>(r.nSentences), params.warmupRuns, params.timedRuns,
                 std::max(1, params.beamSize));
    std::vector<std::vector<std::string>> rows{
        {"variant", "batch", "median s", "q1 s", "q3 s", "tokens/s", "sentences/s", "parameters", "speed-up"}};
    for (const auto& row : section.at("measurements")) {
        const Json& speedup = row.at("speedup");
        rows.push_back({row.at("variant").get<std::string>(), std::to_string(row.at("batch_size").get<int>()),
                        formatNumber(row.at("median_seconds").get<double>(), 3),
                        formatNumber(row.at("q1_seconds").get<double>(), 3),
                        formatNumber(row.at("q3_seconds").get<double>(), 3),
                        formatNumber(row.at("tokens_per_second").get<double>(), 1),
                        formatNumber(row.at("sentences_per_second").get<double>(), 1),
                        formatCount(row.at("parameters").get<int64_t>()),
                        speedup.is_null() ? std::string("-") : formatNumber(speedup.get<double>(), 3) + "x"});
    }
    printTable(rows);
    std::fprintf(stderr, "(masked and pruned models may generate other tokens: compare tokens/s)\n");
}

void runTranslationPrune(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                         const std::string& outDir)
{
    const Seq2SeqModelPtr model = loadSeq2SeqModel(in.modelDir, in.common);
    printSeq2SeqModelSummary(*model);
    const core::Seq2SeqMasks keep = loadSeq2SeqMasks(in.maskPath, *model);
    const Seq2SeqModelPtr pruned = unwrap(model->pruned(keep));
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec) throw CliError(ExitRuntime, outDir + ": cannot create the output folder (" + ec.message() + ")");
    unwrap(pruned->save(outDir));

    doc["model"] = core::report::seq2seqModelJson(*model);
    doc["mask"] = core::report::seq2seqMasksJson(keep);
    doc["out"] = outDir;
    doc["params_before"] = model->parameterCount();
    doc["params_after"] = pruned->parameterCount();
    Json before = Json::object(), after = Json::object();
    int nRemoved = 0;
    for (AttentionType t : core::kSeq2SeqAttentionTypes) {
        before[core::attentionTypeName(t)] = model->headsPerLayer(t);
        after[core::attentionTypeName(t)] = pruned->headsPerLayer(t);
        nRemoved += keep.of(t).countMasked();
    }
    doc["heads_per_layer_before"] = before;
    doc["heads_per_layer_after"] = after;
    std::fprintf(stderr, "pruned   %d heads (%s): parameters %s -> %s (%.1f%% fewer)\n", nRemoved,
                 core::report::seq2seqMasksJson(keep).at("descriptor").get<std::string>().c_str(),
                 formatCount(model->parameterCount()).c_str(), formatCount(pruned->parameterCount()).c_str(),
                 model->parameterCount() > 0 ? 100.0 * double(model->parameterCount() - pruned->parameterCount()) /
                                                   double(model->parameterCount())
                                             : 0.0);
    std::fprintf(stderr, "written  %s\n", outDir.c_str());
    if (in.translation.sourcePath.empty()) return;

    // Verification: the reloaded pruned model decodes what the masked original decodes.
    const Seq2SeqModelPtr reloaded = loadSeq2SeqModel(outDir, in.common);
    const std::string exeDir = core::executableDirectory();
    const auto set = unwrap(core::loadTranslationSet(*model, core::resolveTranslationDemoData(in.translation.sourcePath, false, exeDir),
                                                     core::resolveTranslationDemoData(in.translation.referencePath, true, exeDir),
                                                     core::TranslationSetOptions{in.limit}));
    core::TranslationEvalParams params;
    params.decode = decodeParams(in.translation, in.common);
    params.computeChrf = false;
    params.decode.masks = keep;
    const auto masked = unwrap(core::evaluateTranslation(*model, set, params, progress.stage("translate masked")));
    params.decode.masks = reloaded->fullMasks();
    const auto prunedRun = unwrap(core::evaluateTranslation(*reloaded, set, params, progress.stage("translate pruned")));
    progress.finishLine();
    int64_t same = 0;
    for (size_t i = 0; i < masked.hypotheses.size() && i < prunedRun.hypotheses.size(); ++i)
        same += masked.hypotheses[i] == prunedRun.hypotheses[i] ? 1 : 0;
    double maxDiff = 0.0;
    if (set.hasReferences()) {
        const auto pairs = set.pairs();
        core::TeacherForcedParams tf;
        tf.batchSize = in.common.batchSize;
        tf.masks = keep;
        const auto a = unwrap(core::teacherForcedLogits(*model, pairs, tf));
        tf.masks = reloaded->fullMasks();
        const auto b = unwrap(core::teacherForcedLogits(*reloaded, pairs, tf));
        for (size_t i = 0; i < a.size() && i < b.size(); ++i)
            for (size_t t = 0; t < a[i].size() && t < b[i].size(); ++t)
                for (size_t v = 0; v < a[i][t].size() && v < b[i][t].size(); ++v)
                    maxDiff = std::max(maxDiff, double(std::fabs(a[i][t][v] - b[i][t][v])));
    }
    Json v = Json::object();
    v["n"] = int64_t(set.size());
    v["identical_hypotheses"] = same;
    v["max_abs_logit_diff"] = set.hasReferences() ? Json(maxDiff) : Json(nullptr);
    v["bleu_masked"] = set.hasReferences() ? Json(masked.bleu.score) : Json(nullptr);
    v["bleu_pruned"] = set.hasReferences() ? Json(prunedRun.bleu.score) : Json(nullptr);
    v["tokens_per_second_masked"] = masked.tokensPerSecond;
    v["tokens_per_second_pruned"] = prunedRun.tokensPerSecond;
    doc["verify"] = v;
    std::fprintf(stderr, "verify   reloaded pruned model vs masked original on %zu sentences: %lld identical "
                         "translations",
                 set.size(), static_cast<long long>(same));
    if (set.hasReferences())
        std::fprintf(stderr, ", max |teacher-forced logit diff| %.3g, BLEU %.2f (masked) vs %.2f (pruned)", maxDiff,
                     masked.bleu.score, prunedRun.bleu.score);
    std::fprintf(stderr, "; %.1f vs %.1f tokens/s\n", masked.tokensPerSecond, prunedRun.tokensPerSecond);
}

void runTranslationCompare(Json& doc, ProgressReporter& progress, const TranslationRunInputs& in,
                           const TranslationOptions& second, core::ImportanceNormalization normalization)
{
    const TranslationInputs inputs = loadInputs(in);
    const std::string exeDir = core::executableDirectory();
    core::TranslationSetOptions setOptions;
    setOptions.limit = in.limit;
    const core::TranslationSet setB = unwrap(core::loadTranslationSet(
        *inputs.model, core::resolveTranslationDemoData(second.sourcePath, false, exeDir),
        core::resolveTranslationDemoData(second.referencePath, true, exeDir), setOptions));
    std::fprintf(stderr, "data2    %s: %zu sentences, references %s\n", setB.sourcePath.c_str(), setB.size(),
                 setB.referencePath.c_str());
    core::TranslationCompareParams params;
    params.importance.normalization = normalization;
    params.importance.batchSize = in.common.batchSize;
    params.importance.masks = inputs.masks;
    params.decode = decodeParams(in.translation, in.common);
    const core::TranslationCompareResult r =
        unwrap(core::compareTranslationSets(*inputs.model, inputs.set, setB, params, progress.stage("compare")));
    progress.finishLine();

    writeEnvelope(doc, inputs);
    doc["data2"] = core::report::translationDataJson(setB);
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r);
    std::fprintf(stderr, "BLEU     %.2f on the first set, %.2f on the second\n", r.bleuA, r.bleuB);
    printHeadMatrices("first set: normalised importance", r.importanceA.normalized, 4);
    printHeadMatrices("second set: normalised importance", r.importanceB.normalized, 4);
    for (AttentionType t : core::kSeq2SeqAttentionTypes) {
        const core::Correlation& c = r.correlation[size_t(t)];
        std::fprintf(stderr, "%-16s Pearson r = %s, Spearman rho = %s over %d heads\n", core::attentionTypeName(t),
                     formatNumber(c.pearson, 4).c_str(), formatNumber(c.spearman, 4).c_str(), c.nHeads);
    }
    std::fprintf(stderr, "%-16s Pearson r = %s, Spearman rho = %s over %d heads\n", "all types",
                 formatNumber(r.allTypes.pearson, 4).c_str(), formatNumber(r.allTypes.spearman, 4).c_str(),
                 r.allTypes.nHeads);
}

} // namespace headscope::cli
