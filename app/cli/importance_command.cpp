#include "importance_command.h"

#include "analysis/importance.h"
#include "checkpoint_series_run.h"
#include "cli_error.h"
#include "inputs.h"
#include "report/result_json.h"
#include "model/encoder_model.h"
#include "progress_reporter.h"
#include "text_table.h"
#include "translation_inputs.h"
#include "translation_runs.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace headscope::cli {

CLI::App* ImportanceCommand::setup(CLI::App& app)
{
    CLI::App* sub =
        app.add_subcommand("importance", "Head importance scores (mask gradient or the paper's code)");
    auto* model = sub->add_option("--model", m_modelDir, "Hugging Face model folder, or \"demo\"")->type_name("DIR");
    auto* series = sub->add_option("--checkpoints", m_checkpointsDir,
                                   "Instead of --model: every checkpoint sub-folder of DIR (training dynamics), or \"demo\" / \"demo-translation\"")
                       ->type_name("DIR");
    model->excludes(series);
    sub->add_option("--data", m_dataPath, "Dataset file (tsv, csv, jsonl) of a classification model")
        ->type_name("FILE");
    sub->add_option("--method", m_method,
                    "mask-gradient: the paper's equation; paper-code: the authors' released code")
        ->check(CLI::IsMember({"mask-gradient", "paper-code"}))
        ->capture_default_str();
    sub->add_option("--normalize", m_normalize, "layer: each layer by its l2 norm; global: min-max; none")
        ->check(CLI::IsMember({"layer", "global", "none"}))
        ->capture_default_str();
    sub->add_option("--mask", m_maskPath, "Heads already masked (they score 0)")->type_name("MASK");
    addDataOptions(*sub, m_data);
    addTranslationOptions(*sub, m_translation, "reference translations (the teacher-forced loss)");
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void ImportanceCommand::run(Json& doc, ProgressReporter& progress)
{
    core::ImportanceParams params;
    if (!core::parseImportanceMethod(m_method, params.method))
        throw badArgument("--method: unknown method \"" + m_method + "\"");
    if (!core::parseNormalization(m_normalize, params.normalization))
        throw badArgument("--normalize: unknown normalisation \"" + m_normalize + "\"");
    params.batchSize = m_common.batchSize;
    if (m_modelDir.empty() && m_checkpointsDir.empty()) throw badArgument("give --model DIR or --checkpoints DIR");
    const bool translation =
        m_modelDir.empty() ? isTranslationCheckpoints(m_checkpointsDir) : isTranslationModel(m_modelDir);
    checkDataArguments(m_modelDir.empty() ? m_checkpointsDir : m_modelDir, translation, m_dataPath, m_translation,
                       true);
    if (translation && params.method != core::ImportanceMethod::MaskGradient)
        throw badArgument("--method paper-code is for classification models; translation models use mask-gradient");
    if (translation && !m_checkpointsDir.empty()) {
        if (!m_maskPath.empty()) throw badArgument("--mask needs --model (one model), not --checkpoints");
        core::TranslationCheckpointSeriesParams series;
        series.pruneCurves = false;
        series.importanceParams.normalization = params.normalization;
        return runTranslationCheckpointSeries(doc, progress, m_checkpointsDir, m_translation, m_data.limit, m_common,
                                              series);
    }
    if (translation) {
        return runTranslationImportance(doc, progress,
                                        {m_modelDir, m_translation, m_maskPath, m_data.limit, m_common},
                                        params.normalization);
    }
    if (!m_checkpointsDir.empty()) {
        core::CheckpointSeriesParams series;
        series.pruneCurves = false;
        series.importanceParams = params;
        return runCheckpointSeries(doc, progress, m_checkpointsDir, m_dataPath, m_data, m_common, series);
    }

    const auto [model, maxLength, requested, data] =
        loadCommandInputs(m_modelDir, m_dataPath, m_maskPath, m_data, m_common);
    params.mask = effectiveMask(*model, requested);

    const core::ImportanceResult r =
        unwrap(core::computeImportance(*model, data.encoded, params, progress.stage("importance")));
    progress.finishLine();

    doc["model"] = modelJson(*model);
    doc["data"] = dataJson(data);
    doc["max_length"] = maxLength;
    doc["mask"] = maskJson(reportedMask(*model, requested));
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r);

    std::fprintf(stderr, "importance: %s, normalised %s, %lld examples, %lld tokens, %.2f s\n",
                 core::importanceMethodName(params.method), core::normalizationName(params.normalization),
                 static_cast<long long>(r.nExamples), static_cast<long long>(r.nTokens), r.seconds);
    printMatrix("normalised importance [layer x head]:", r.normalized, 4);
}

} // namespace headscope::cli
