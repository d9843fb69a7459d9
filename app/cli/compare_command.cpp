#include "compare_command.h"

#include "ablation_json.h"
#include "analysis/ablation.h"
#include "analysis/importance.h"
#include "cli_error.h"
#include "inputs.h"
#include "json_convert.h"
#include "metrics/statistics.h"
#include "model/encoder_model.h"
#include "progress_reporter.h"
#include "text_table.h"

#include <CLI/CLI.hpp>
#include <cmath>
#include <cstdio>

namespace headscope::cli {

namespace {

// Pearson and Spearman over the heads present in the model with finite values on both sides.
Json correlationJson(const core::EncoderModel& model, const core::Matrix& a, const core::Matrix& b,
                     const char* what)
{
    std::vector<double> x, y;
    for (int l = 0; l < model.nLayers(); ++l) {
        for (int h = 0; h < model.nHeads(); ++h) {
            if (!model.hasHead(l, h) || size_t(l) >= a.size() || size_t(l) >= b.size() ||
                size_t(h) >= a[l].size() || size_t(h) >= b[l].size())
                continue;
            if (std::isfinite(a[l][h]) && std::isfinite(b[l][h])) {
                x.push_back(a[l][h]);
                y.push_back(b[l][h]);
            }
        }
    }
    const double r = core::pearson(x, y);
    const double rho = core::spearman(x, y);
    std::fprintf(stderr, "%-16s Pearson r = %s, Spearman rho = %s over %zu heads\n", what,
                 formatNumber(r, 4).c_str(), formatNumber(rho, 4).c_str(), x.size());
    Json j = Json::object();
    j["pearson"] = std::isfinite(r) ? Json(r) : Json(nullptr);
    j["spearman"] = std::isfinite(rho) ? Json(rho) : Json(nullptr);
    j["n"] = static_cast<int64_t>(x.size());
    return j;
}

} // namespace

CLI::App* CompareCommand::setup(CLI::App& app)
{
    CLI::App* sub = app.add_subcommand(
        "compare", "Ablation and/or importance on two datasets, and how they correlate per head");
    sub->add_option("--model", m_modelDir, "Hugging Face model folder")->required()->type_name("DIR");
    sub->add_option("--data", m_dataPath, "First dataset")->required()->type_name("FILE");
    sub->add_option("--data2", m_data2Path, "Second dataset (same columns options)")
        ->required()
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
    const bool doAblation = m_what != "importance";
    const bool doImportance = m_what != "ablation";
    core::ImportanceParams importanceParams;
    if (!core::parseImportanceMethod(m_method, importanceParams.method))
        throw badArgument("--method: unknown method \"" + m_method + "\"");
    if (!core::parseNormalization(m_normalize, importanceParams.normalization))
        throw badArgument("--normalize: unknown normalisation \"" + m_normalize + "\"");
    importanceParams.batchSize = m_common.batchSize;

    const ModelPtr model = loadModel(m_modelDir, m_common);
    const int maxLength = resolveMaxLength(*model, m_common);
    const LoadedData data[2] = {loadData(m_dataPath, m_data, *model, maxLength),
                                loadData(m_data2Path, m_data, *model, maxLength)};
    printModelSummary(*model);
    printDataSummary(data[0], "data");
    printDataSummary(data[1], "data2");
    importanceParams.mask = model->fullMask();

    const char* keys[2] = {"data", "data2"};
    core::AblationResult ablation[2];
    core::ImportanceResult importance[2];
    Json results = Json::object();
    for (int i = 0; i < 2; ++i) {
        Json r = Json::object();
        if (doAblation) {
            core::AblationParams params;
            params.batchSize = m_common.batchSize;
            params.baseMask = model->fullMask();
            ablation[i] = unwrap(core::runAblation(*model, data[i].encoded, params,
                                                   progress.stage(std::string("ablate ") + keys[i])));
            progress.finishLine();
            r["ablation"] = {{"baseline", ablationBaselineJson(ablation[i])},
                             {"accuracy", encoderSelfJson(matrixJson(ablation[i].accuracy))},
                             {"delta", encoderSelfJson(matrixJson(ablation[i].delta))},
                             {"p_ttest", encoderSelfJson(matrixJson(ablation[i].pTTest))},
                             {"seconds", ablation[i].seconds}};
            std::fprintf(stderr, "%s: baseline accuracy %.4f (n = %lld)\n", keys[i],
                         ablation[i].baselineAccuracy, static_cast<long long>(ablation[i].n));
            printMatrix(std::string(keys[i]) + ": single-head ablation delta:", ablation[i].delta, 4);
        }
        if (doImportance) {
            importance[i] =
                unwrap(core::computeImportance(*model, data[i].encoded, importanceParams,
                                               progress.stage(std::string("importance ") + keys[i])));
            progress.finishLine();
            r["importance"] = {{"importance", encoderSelfJson(matrixJson(importance[i].normalized))},
                               {"importance_raw", encoderSelfJson(matrixJson(importance[i].raw))},
                               {"n_examples", importance[i].nExamples},
                               {"n_tokens", importance[i].nTokens},
                               {"seconds", importance[i].seconds}};
            printMatrix(std::string(keys[i]) + ": normalised importance:", importance[i].normalized, 4);
        }
        results[keys[i]] = r;
    }

    doc["model"] = modelJson(*model);
    doc["data"] = dataJson(data[0]);
    doc["data2"] = dataJson(data[1]);
    doc["max_length"] = maxLength;
    doc["batch_size"] = m_common.batchSize;
    doc["what"] = m_what;
    if (doImportance) {
        doc["method"] = core::importanceMethodName(importanceParams.method);
        doc["normalization"] = core::normalizationName(importanceParams.normalization);
    }
    doc["results"] = results;
    Json correlation = Json::object();
    if (doAblation)
        correlation["ablation_delta"] =
            correlationJson(*model, ablation[0].delta, ablation[1].delta, "ablation delta");
    if (doImportance)
        correlation["importance"] =
            correlationJson(*model, importance[0].normalized, importance[1].normalized, "importance");
    doc["correlation"] = correlation;
}

} // namespace headscope::cli
