#include "prune_command.h"

#include "analysis/evaluator.h"
#include "cli_error.h"
#include "inputs.h"
#include "report/result_json.h"
#include "model/encoder_model.h"
#include "progress_reporter.h"
#include "text_table.h"
#include "translation_inputs.h"
#include "translation_runs.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace headscope::cli {

namespace {

std::string joinInts(const std::vector<int>& v)
{
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? " " : "") + std::to_string(v[i]);
    return s;
}

// Evaluates the original model with the mask and the pruned model reloaded from disk.
Json verify(const core::EncoderModel& original, const core::HeadMask& mask, const std::string& outDir,
            const std::string& dataPath, const DataOptions& dataOptions, const CommonOptions& common,
            ProgressReporter& progress, Json& doc)
{
    const ModelPtr reloaded = loadModel(outDir, common);
    const int maxLength = resolveMaxLength(original, common);
    const LoadedData data = loadData(dataPath, dataOptions, original, maxLength);
    printDataSummary(data, "verify");
    doc["data"] = dataJson(data);

    core::EvalParams params;
    params.batchSize = common.batchSize;
    params.mask = mask;
    const core::EvalResult masked =
        unwrap(core::evaluate(original, data.encoded, params, progress.stage("eval masked")));
    params.mask = reloaded->fullMask();
    const core::EvalResult pruned =
        unwrap(core::evaluate(*reloaded, data.encoded, params, progress.stage("eval pruned")));
    progress.finishLine();

    double maxDiff = 0.0;
    int64_t agree = 0;
    for (size_t i = 0; i < masked.logits.size() && i < pruned.logits.size(); ++i) {
        for (size_t k = 0; k < masked.logits[i].size() && k < pruned.logits[i].size(); ++k)
            maxDiff = std::max(maxDiff, double(std::fabs(masked.logits[i][k] - pruned.logits[i][k])));
        agree += masked.predictions[i] == pruned.predictions[i] ? 1 : 0;
    }
    const auto n = static_cast<int64_t>(std::min(masked.logits.size(), pruned.logits.size()));
    Json j = Json::object();
    j["n"] = n;
    j["max_abs_logit_diff"] = maxDiff;
    j["prediction_agreement"] = n > 0 ? double(agree) / double(n) : 1.0;
    j["accuracy_masked"] = accuracyJson(masked.nCorrect, masked.n);
    j["accuracy_pruned"] = accuracyJson(pruned.nCorrect, pruned.n);
    j["ms_per_example_masked"] = masked.msPerExample;
    j["ms_per_example_pruned"] = pruned.msPerExample;
    std::fprintf(stderr,
                 "verify   reloaded pruned model vs masked original on %lld examples: max |logit diff| %.3g, "
                 "accuracy %.4f (masked) vs %.4f (pruned), %.3f vs %.3f ms/example\n",
                 static_cast<long long>(n), maxDiff, masked.accuracy, pruned.accuracy, masked.msPerExample,
                 pruned.msPerExample);
    return j;
}

} // namespace

CLI::App* PruneCommand::setup(CLI::App& app)
{
    CLI::App* sub =
        app.add_subcommand("prune", "Remove the masked heads for real and write a Hugging Face model folder");
    sub->add_option("--model", m_modelDir, "Hugging Face model folder")->required()->type_name("DIR");
    sub->add_option("--mask", m_maskPath, "Mask file: the heads to remove")->required()->type_name("MASK");
    sub->add_option("--out", m_outDir, "Output folder (created; files in it are overwritten)")
        ->required()
        ->type_name("DIR");
    sub->add_option(
           "--verify-data", m_verifyData,
           "Reload the written model and compare its logits with the masked original on this dataset")
        ->type_name("FILE");
    addDataOptions(*sub, m_data);
    addTranslationOptions(*sub, m_translation,
                          "translation models: reference translations (verification also compares teacher-forced logits)");
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void PruneCommand::run(Json& doc, ProgressReporter& progress)
{
    if (isTranslationModel(m_modelDir)) {
        if (!m_verifyData.empty())
            throw badArgument("a translation model is verified on --src (and --ref), not --verify-data");
        return runTranslationPrune(doc, progress, {m_modelDir, m_translation, m_maskPath, m_data.limit, m_common},
                                   m_outDir);
    }
    if (m_translation.given())
        throw badArgument("--src and --ref are for translation models; " + m_modelDir + " is a classifier");
    const ModelPtr model = loadModel(m_modelDir, m_common);
    const core::HeadMask requested = loadMask(m_maskPath, *model);
    const core::HeadMask keep = effectiveMask(*model, requested);
    printModelSummary(*model);

    const ModelPtr pruned = unwrap(model->pruned(keep));
    std::error_code ec;
    std::filesystem::create_directories(m_outDir, ec);
    if (ec)
        throw CliError(ExitRuntime, m_outDir + ": cannot create the output folder (" + ec.message() + ")");
    unwrap(pruned->save(m_outDir));

    doc["model"] = modelJson(*model);
    doc["mask"] = maskJson(requested);
    doc["out"] = m_outDir;
    doc["params_before"] = model->parameterCount();
    doc["params_after"] = pruned->parameterCount();
    doc["heads_per_layer_before"] = model->headsPerLayer();
    doc["heads_per_layer_after"] = pruned->headsPerLayer();
    std::fprintf(stderr, "pruned   %d heads (%s): parameters %s -> %s (%.1f%% fewer), heads per layer %s\n",
                 requested.countMasked(), descriptorOf(requested).c_str(),
                 formatCount(model->parameterCount()).c_str(), formatCount(pruned->parameterCount()).c_str(),
                 model->parameterCount() > 0
                     ? 100.0 * double(model->parameterCount() - pruned->parameterCount()) /
                           double(model->parameterCount())
                     : 0.0,
                 joinInts(pruned->headsPerLayer()).c_str());
    std::fprintf(stderr, "written  %s\n", m_outDir.c_str());

    if (!m_verifyData.empty())
        doc["verify"] = verify(*model, keep, m_outDir, m_verifyData, m_data, m_common, progress, doc);
}

} // namespace headscope::cli
