#include "ablate_command.h"

#include "analysis/ablation.h"
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

CLI::App* AblateCommand::setup(CLI::App& app)
{
    CLI::App* sub = app.add_subcommand(
        "ablate", "Accuracy (BLEU for translation models) with each head masked alone (single) or kept alone "
                  "in its layer (keep-one)");
    sub->add_option("--model", m_modelDir, "Hugging Face model folder")->required()->type_name("DIR");
    sub->add_option("--data", m_dataPath, "Dataset file (tsv, csv, jsonl) of a classification model")
        ->type_name("FILE");
    sub->add_option("--mode", m_mode, "single: mask one head; keep-one: keep one head of its layer")
        ->check(CLI::IsMember({"single", "keep-one"}))
        ->capture_default_str();
    sub->add_flag("--significance", m_significance,
                  "Mark significant cells in the summary (the JSON always has both p-values)");
    sub->add_option("--alpha", m_alpha, "Significance level for \"significant\" (on the t-test p-value)")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    sub->add_flag("--naive", m_naive, "Disable the fast path (one full forward per head; for comparisons)");
    sub->add_option("--mask", m_maskPath, "Start from this mask (heads masked in every variant)")
        ->type_name("MASK");
    addDataOptions(*sub, m_data);
    addTranslationOptions(*sub, m_translation, "reference translations (BLEU)");
    sub->add_option("--types", m_types,
                    "Translation models: attention types to ablate (comma list; default all three)")
        ->delimiter(',')
        ->check(CLI::IsMember({"encoder_self", "encoder_decoder", "decoder_self"}));
    sub->add_option("--subset", m_subset, "Translation models: use only N sentences (0 = all)")
        ->check(CLI::Range(int64_t(0), std::numeric_limits<int64_t>::max()))
        ->type_name("N");
    sub->add_flag("--subset-random", m_subsetRandom,
                  "With --subset: a random sample of N sentences (seeded by --seed) instead of the first N");
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void AblateCommand::run(Json& doc, ProgressReporter& progress)
{
    const bool translation = isTranslationModel(m_modelDir);
    checkDataArguments(m_modelDir, translation, m_dataPath, m_translation, true);
    if (translation) {
        if (m_naive) throw badArgument("--naive is for classification models");
        TranslationAblateOptions options;
        options.mode = m_mode == "keep-one" ? core::AblationMode::KeepOne : core::AblationMode::SingleHead;
        for (const auto& name : m_types) {
            core::AttentionType t;
            if (!core::parseAttentionType(name, t)) throw badArgument("--types: unknown type \"" + name + "\"");
            options.types.push_back(t);
        }
        options.subsetSize = m_subset;
        options.subsetRandom = m_subsetRandom;
        options.alpha = m_alpha;
        options.markSignificant = m_significance;
        return runTranslationAblation(doc, progress, {m_modelDir, m_translation, m_maskPath, m_data.limit, m_common},
                                      options);
    }
    if (!m_types.empty() || m_subset > 0 || m_subsetRandom)
        throw badArgument("--types, --subset and --subset-random are for translation models");
    core::AblationParams params;
    params.mode = m_mode == "keep-one" ? core::AblationMode::KeepOne : core::AblationMode::SingleHead;
    params.batchSize = m_common.batchSize;
    params.fastPath = !m_naive;

    const auto [model, maxLength, requested, data] =
        loadCommandInputs(m_modelDir, m_dataPath, m_maskPath, m_data, m_common);
    params.baseMask = effectiveMask(*model, requested);

    const core::AblationResult r = unwrap(
        core::runAblation(*model, data.encoded, params, progress.stage(std::string("ablate ") + m_mode)));
    progress.finishLine();

    doc["model"] = modelJson(*model);
    doc["data"] = dataJson(data);
    doc["max_length"] = maxLength;
    doc["mask"] = maskJson(reportedMask(*model, requested));
    const Json section = core::report::toJson(r, m_alpha);
    doc["results"][core::report::resultKey(r)] = section;
    std::vector<std::vector<bool>> significant;
    for (const auto& row : core::report::ofType(section.at("significant")))
        significant.push_back(row.get<std::vector<bool>>());

    const core::Interval ci = core::wilsonInterval(section.at("baseline").at("n_correct").get<int64_t>(), r.n);
    std::fprintf(stderr, "baseline accuracy %.4f [%.4f, %.4f] (n = %lld); %s ablation in %.2f s (%s)\n",
                 r.baselineAccuracy, ci.low, ci.high, static_cast<long long>(r.n),
                 core::ablationModeName(params.mode), r.seconds,
                 params.fastPath ? "fast path" : "naive loop");
    printMatrix(params.mode == core::AblationMode::KeepOne ? "accuracy with only this head kept in its layer:"
                                                           : "accuracy with this head masked:",
                r.accuracy, 4);
    printMatrix(m_significance ? "delta from baseline (* = paired t-test p < alpha):"
                               : "delta from baseline:",
                r.delta, 4, m_significance ? &significant : nullptr);
}

} // namespace headscope::cli
