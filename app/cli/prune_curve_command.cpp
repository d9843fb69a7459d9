#include "prune_curve_command.h"

#include "analysis/prune_curve.h"
#include "checkpoint_series_run.h"
#include "cli_error.h"
#include "inputs.h"
#include "report/result_json.h"
#include "mask_formats.h"
#include "model/encoder_model.h"
#include "progress_reporter.h"
#include "text_table.h"
#include "translation_inputs.h"
#include "translation_runs.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>

namespace headscope::cli {

namespace {

const core::PruneCurvePoint* findPoint(const core::PruneCurveResult& curve, double percent)
{
    for (const auto& p : curve.points) {
        if (std::fabs(p.percent - percent) < 1e-6) return &p;
    }
    return nullptr;
}

} // namespace

CLI::App* PruneCurveCommand::setup(CLI::App& app)
{
    CLI::App* sub = app.add_subcommand(
        "prune-curve", "Accuracy vs share of heads pruned, by importance, ablation or random order");
    auto* model = sub->add_option("--model", m_modelDir, "Hugging Face model folder, or \"demo\"")->type_name("DIR");
    auto* series = sub->add_option("--checkpoints", m_checkpointsDir,
                                   "Instead of --model: one set of curves per checkpoint sub-folder of DIR, or \"demo\" / \"demo-translation\"")
                       ->type_name("DIR");
    model->excludes(series);
    sub->add_option("--data", m_dataPath, "Dataset file (tsv, csv, jsonl) of a classification model")
        ->type_name("FILE");
    sub->add_option("--order", m_orders,
                    "importance, ablation or random; repeat or give a comma list for several curves")
        ->delimiter(',')
        ->check(CLI::IsMember({"importance", "ablation", "random"}))
        ->capture_default_str();
    sub->add_option("--step", m_stepPercent, "Step in percent of all heads")
        ->check(CLI::Range(0.001, 100.0))
        ->capture_default_str();
    sub->add_flag("--rescore", m_rescore, "Recompute the scores on the pruned model after each step");
    sub->add_option("--min-heads-per-layer", m_minHeadsPerLayer, "Never prune a layer below K heads")
        ->check(CLI::Range(0, 4096))
        ->capture_default_str()
        ->type_name("K");
    sub->add_option("--method", m_method, "Importance method for --order importance")
        ->check(CLI::IsMember({"mask-gradient", "paper-code"}))
        ->capture_default_str();
    sub->add_option("--normalize", m_normalize, "Importance normalisation for --order importance")
        ->check(CLI::IsMember({"layer", "global", "none"}))
        ->capture_default_str();
    auto* exportOpt = sub->add_option("--export-mask", m_exportMask,
                                      "Also write the mask of one step (first curve) to FILE")
                          ->type_name("FILE");
    sub->add_option("--mask-format", m_exportFormat, "Format of --export-mask (default: from the file name)")
        ->check(CLI::IsMember(core::maskFormatNames()));
    sub->add_option("--export-step", m_exportStep, "Percent of heads pruned at the exported step")
        ->check(CLI::Range(0.0, 100.0))
        ->needs(exportOpt);
    exportOpt->needs(sub->get_option("--export-step"));
    addDataOptions(*sub, m_data);
    addTranslationOptions(*sub, m_translation, "reference translations (BLEU)");
    sub->add_option("--curves", m_curves,
                    "Translation models: which heads each curve prunes (comma list of encoder_self, "
                    "encoder_decoder, decoder_self, all; default all four)")
        ->delimiter(',')
        ->check(CLI::IsMember({"encoder_self", "encoder_decoder", "decoder_self", "all"}));
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void PruneCurveCommand::run(Json& doc, ProgressReporter& progress)
{
    core::PruneCurveParams base;
    base.stepPercent = m_stepPercent;
    base.rescore = m_rescore;
    base.minHeadsPerLayer = m_minHeadsPerLayer;
    base.seed = m_common.seed;
    base.batchSize = m_common.batchSize;
    base.importance.batchSize = m_common.batchSize;
    if (!core::parseImportanceMethod(m_method, base.importance.method))
        throw badArgument("--method: unknown method \"" + m_method + "\"");
    if (!core::parseNormalization(m_normalize, base.importance.normalization))
        throw badArgument("--normalize: unknown normalisation \"" + m_normalize + "\"");
    core::PruneCurveSetParams setParams;
    setParams.base = base;
    setParams.orders.clear();
    for (const auto& name : m_orders) {
        core::PruneOrder o;
        if (!core::parsePruneOrder(name, o)) throw badArgument("--order: unknown order \"" + name + "\"");
        setParams.orders.push_back(o);
    }

    if (m_modelDir.empty() && m_checkpointsDir.empty()) throw badArgument("give --model DIR or --checkpoints DIR");
    const bool translation =
        m_modelDir.empty() ? isTranslationCheckpoints(m_checkpointsDir) : isTranslationModel(m_modelDir);
    checkDataArguments(m_modelDir.empty() ? m_checkpointsDir : m_modelDir, translation, m_dataPath, m_translation,
                       true);
    if (translation) {
        if (setParams.orders.size() != 1 || setParams.orders[0] != core::PruneOrder::Importance || m_rescore ||
            base.importance.method != core::ImportanceMethod::MaskGradient)
            throw badArgument("translation models: pruning curves follow the mask-gradient importance order "
                              "(--order importance, no --rescore)");
        TranslationCurveOptions options;
        for (const auto& name : m_curves) {
            core::PruneScope scope;
            if (!core::parsePruneScope(name, scope)) throw badArgument("--curves: unknown curve \"" + name + "\"");
            options.scopes.push_back(scope);
        }
        if (!m_checkpointsDir.empty()) {
            if (!m_exportMask.empty()) throw badArgument("--export-mask needs --model (one model), not --checkpoints");
            core::TranslationCheckpointSeriesParams series;
            if (!options.scopes.empty()) series.curveParams.scopes = options.scopes;
            series.curveParams.stepPercent = m_stepPercent;
            series.curveParams.minHeadsPerLayer = m_minHeadsPerLayer;
            series.importanceParams.normalization = base.importance.normalization;
            return runTranslationCheckpointSeries(doc, progress, m_checkpointsDir, m_translation, m_data.limit,
                                                  m_common, series);
        }
        options.stepPercent = m_stepPercent;
        options.minHeadsPerLayer = m_minHeadsPerLayer;
        options.normalization = base.importance.normalization;
        options.exportMask = m_exportMask;
        options.exportFormat = m_exportFormat;
        options.exportStep = m_exportStep;
        return runTranslationPruneCurves(doc, progress,
                                         {m_modelDir, m_translation, {}, m_data.limit, m_common}, options);
    }
    if (!m_curves.empty()) throw badArgument("--curves is for translation models");
    if (!m_checkpointsDir.empty()) {
        if (!m_exportMask.empty()) throw badArgument("--export-mask needs --model (one model), not --checkpoints");
        core::CheckpointSeriesParams series;
        series.importance = false;
        series.curveParams = setParams;
        return runCheckpointSeries(doc, progress, m_checkpointsDir, m_dataPath, m_data, m_common, series);
    }
    const ModelPtr model = loadModel(m_modelDir, m_common);
    if (m_minHeadsPerLayer > model->nHeads())
        throw badArgument("--min-heads-per-layer " + std::to_string(m_minHeadsPerLayer) + " exceeds the " +
                          std::to_string(model->nHeads()) + " heads per layer");
    const int maxLength = resolveMaxLength(*model, m_common);
    const LoadedData data = loadData(m_dataPath, m_data, *model, maxLength);
    printModelSummary(*model);
    printDataSummary(data);

    // One progress line over every curve, so that the time left covers them all.
    const core::PruneCurveSet set =
        unwrap(core::computePruneCurves(*model, data.encoded, setParams, progress.stage("prune-curve")));
    progress.finishLine();
    const std::vector<core::PruneCurveResult>& results = set.curves;
    for (const auto& r : results) {
        std::fprintf(stderr, "curve by %s (%.2f s):\n", core::pruneOrderName(r.order), r.seconds);
        std::vector<std::vector<std::string>> rows{
            {"percent", "pruned", "accuracy", "95% interval", "parameters", "descriptor"}};
        for (const auto& p : r.points)
            rows.push_back({formatNumber(p.percent, 1), std::to_string(p.nPruned),
                            formatNumber(p.accuracy, 4),
                            "[" + formatNumber(p.accuracyInterval.low, 3) + ", " +
                                formatNumber(p.accuracyInterval.high, 3) + "]",
                            formatCount(p.nParameters), descriptorOf(p.mask)});
        printTable(rows, {false, false, false, false, false, true});
    }

    doc["model"] = modelJson(*model);
    doc["data"] = dataJson(data);
    doc["max_length"] = maxLength;
    doc["results"][core::report::resultKey(set)] = core::report::toJson(set);

    if (!m_exportMask.empty() && !results.empty()) {
        const core::PruneCurvePoint* point = findPoint(results.front(), m_exportStep);
        if (!point) {
            std::string available;
            for (const auto& p : results.front().points)
                available += (available.empty() ? "" : ", ") + formatNumber(p.percent, 1);
            throw badArgument("--export-step " + formatNumber(m_exportStep, 1) +
                              ": the curve has no such point (" + available + ")");
        }
        writeMaskAs(m_exportMask, core::MaskSet::fromMask(point->mask, model->config().modelType),
                    m_exportFormat);
        doc["exported_mask"] = {{"path", m_exportMask},
                                {"order", core::pruneOrderName(results.front().order)},
                                {"percent", point->percent},
                                {"descriptor", descriptorOf(point->mask)}};
        std::fprintf(stderr, "mask at %.1f%% (%s) written to %s\n", point->percent,
                     descriptorOf(point->mask).c_str(), m_exportMask.c_str());
    }
}

} // namespace headscope::cli
