#include "compare_command.h"

#include "analysis/ablation.h"
#include "analysis/importance.h"
#include "cli_error.h"
#include "inputs.h"
#include "report/result_json.h"
#include "metrics/statistics.h"
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

void printCorrelation(const char* what, const core::Correlation& c)
{
    std::fprintf(stderr, "%-16s Pearson r = %s, Spearman rho = %s over %d heads\n", what,
                 formatNumber(c.pearson, 4).c_str(), formatNumber(c.spearman, 4).c_str(), c.nHeads);
}

} // namespace

CLI::App* CompareCommand::setup(CLI::App& app)
{
    CLI::App* sub = app.add_subcommand(
        "compare", "Ablation and/or importance on two datasets, and how they correlate per head");
    sub->add_option("--model", m_modelDir, "Hugging Face model folder")->required()->type_name("DIR");
    sub->add_option("--data", m_dataPath, "First dataset")->type_name("FILE");
    sub->add_option("--data2", m_data2Path, "Second dataset (same columns options)")->type_name("FILE2");
    addTranslationOptions(*sub, m_translation, "reference translations of --src");
    sub->add_option("--src2", m_translation2.sourcePath, "Translation models: the second test set's sources")
        ->type_name("FILE2");
    sub->add_option("--ref2", m_translation2.referencePath, "Translation models: the second test set's references")
        ->type_name("FILE2");
    sub->add_option("--what", m_what, "ablation (single-head deltas), importance, or both")
        ->check(CLI::IsMember({"ablation", "importance", "both"}))
        ->capture_default_str();
    sub->add_option("--method", m_method, "Importance method")
        ->check(CLI::IsMember({"mask-gradient", "paper-code"}))
        ->capture_default_str();
    sub->add_option("--normalize", m_normalize,
                    "Importance normalisation (the correlation uses normalised scores)")
        ->check(CLI::IsMember({"layer", "global", "none"}))
        ->capture_default_str();
    addDataOptions(*sub, m_data);
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void CompareCommand::run(Json& doc, ProgressReporter& progress)
{
    if (isTranslationModel(m_modelDir)) {
        if (!m_dataPath.empty() || !m_data2Path.empty())
            throw badArgument(m_modelDir + " is a translation model: give --src/--ref and --src2/--ref2, not --data");
        if (m_translation.sourcePath.empty() || m_translation.referencePath.empty() ||
            m_translation2.sourcePath.empty() || m_translation2.referencePath.empty())
            throw badArgument("comparing test sets of a translation model needs --src, --ref, --src2 and --ref2");
        if (m_what == "ablation")
            throw badArgument("translation models compare head importance (--what importance); ablation per set "
                              "is `ablate` run on each");
        core::ImportanceNormalization normalization;
        if (!core::parseNormalization(m_normalize, normalization))
            throw badArgument("--normalize: unknown normalisation \"" + m_normalize + "\"");
        return runTranslationCompare(doc, progress, {m_modelDir, m_translation, {}, m_data.limit, m_common},
                                     m_translation2, normalization);
    }
    if (m_dataPath.empty() || m_data2Path.empty())
        throw badArgument("compare needs --data and --data2 (translation models: --src/--ref and --src2/--ref2)");
    if (m_translation.given() || m_translation2.given())
        throw badArgument("--src and --ref are for translation models; " + m_modelDir + " is a classifier");
    core::CompareParams params;
    if (!core::parseCompareWhat(m_what, params.what))
        throw badArgument("--what: unknown value \"" + m_what + "\"");
    if (!core::parseImportanceMethod(m_method, params.importance.method))
        throw badArgument("--method: unknown method \"" + m_method + "\"");
    if (!core::parseNormalization(m_normalize, params.importance.normalization))
        throw badArgument("--normalize: unknown normalisation \"" + m_normalize + "\"");
    params.importance.batchSize = params.ablation.batchSize = m_common.batchSize;

    const ModelPtr model = loadModel(m_modelDir, m_common);
    const int maxLength = resolveMaxLength(*model, m_common);
    const LoadedData data[2] = {loadData(m_dataPath, m_data, *model, maxLength),
                                loadData(m_data2Path, m_data, *model, maxLength)};
    printModelSummary(*model);
    printDataSummary(data[0], "data");
    printDataSummary(data[1], "data2");
    params.importance.mask = params.ablation.baseMask = model->fullMask();

    core::CompareResult r =
        unwrap(core::compareDatasets(*model, data[0].encoded, data[1].encoded, params, progress.stage("compare")));
    r.dataA = core::summarizeDataset(data[0].dataset);
    r.dataB = core::summarizeDataset(data[1].dataset);
    progress.finishLine();

    const char* names[2] = {"data", "data2"};
    const core::DatasetAnalyses* sides[2] = {&r.a, &r.b};
    for (int i = 0; i < 2; ++i) {
        if (const auto& a = sides[i]->ablation) {
            std::fprintf(stderr, "%s: baseline accuracy %.4f (n = %lld)\n", names[i], a->baselineAccuracy,
                         static_cast<long long>(a->n));
            printMatrix(std::string(names[i]) + ": single-head ablation delta:", a->delta, 4);
        }
        if (const auto& imp = sides[i]->importance)
            printMatrix(std::string(names[i]) + ": normalised importance:", imp->normalized, 4);
    }
    if (r.ablationDelta)
        printCorrelation("ablation delta", *r.ablationDelta);
    if (r.importance)
        printCorrelation("importance", *r.importance);

    doc["model"] = modelJson(*model);
    doc["data"] = dataJson(data[0]);
    doc["max_length"] = maxLength;
    doc["results"][core::report::resultKey(r)] = core::report::toJson(r);
}

} // namespace headscope::cli
