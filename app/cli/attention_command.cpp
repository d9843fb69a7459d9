#include "attention_command.h"

#include "analysis/attention_stats.h"
#include "cli_error.h"
#include "inputs.h"
#include "report/result_json.h"
#include "model/encoder_model.h"
#include "progress_reporter.h"
#include "text_table.h"
#include "translation_inputs.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace headscope::cli {

CLI::App* AttentionCommand::setup(CLI::App& app)
{
    CLI::App* sub = app.add_subcommand(
        "attention", "Attention entropy of every head; with --example, one head's attention matrix");
    sub->add_option("--model", m_modelDir, "Hugging Face model folder")->required()->type_name("DIR");
    sub->add_option("--data", m_dataPath, "Dataset file (tsv, csv, jsonl)")->required()->type_name("FILE");
    sub->add_option("--mask", m_maskPath, "Heads masked while measuring")->type_name("MASK");
    sub->add_option("--example", m_example, "0-based example index for the attention matrix")->type_name("N");
    sub->add_option("--layer", m_layer, "Layer of the head (0-based)")->capture_default_str();
    sub->add_option("--head", m_head, "Head (0-based, original index)")->capture_default_str();
    addDataOptions(*sub, m_data);
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void AttentionCommand::run(Json& doc, ProgressReporter& progress)
{
    // The entropy statistics read the encoder's attention of a classifier; a Marian model's three
    // attention types are analysed by importance, ablate, prune-curve and compare.
    if (isTranslationModel(m_modelDir))
        throw badArgument(m_modelDir + " is a translation model: attention reads classifiers' attention "
                          "(bert, distilbert); for translation models use importance, ablate, prune-curve or compare");
    const auto [model, maxLength, requested, data] =
        loadCommandInputs(m_modelDir, m_dataPath, m_maskPath, m_data, m_common);
    if (m_example >= 0 && size_t(m_example) >= data.encoded.size())
        throw badArgument("--example: the dataset has " + std::to_string(data.encoded.size()) + " examples");

    core::EntropyParams params;
    params.batchSize = m_common.batchSize;
    params.mask = effectiveMask(*model, requested);
    core::EntropyResult entropy;
    entropy.params = params;
    entropy.entropy = unwrap(core::attentionEntropy(*model, data.encoded, params, progress.stage("entropy")));
    progress.finishLine();

    doc["model"] = modelJson(*model);
    doc["data"] = dataJson(data);
    doc["max_length"] = maxLength;
    doc["mask"] = maskJson(reportedMask(*model, requested));
    doc["results"][core::report::resultKey(entropy)] = core::report::toJson(entropy);
    printMatrix("attention entropy (nats) [layer x head]:", entropy.entropy, 4);

    if (m_example >= 0) {
        const core::AttentionView view = unwrap(
            core::attentionForExample(*model, data.encoded, size_t(m_example), m_layer, m_head, params.mask));
        doc["results"][core::report::resultKey(view)] = core::report::toJson(view);
        std::fprintf(stderr, "example %ld, head %d:%d: entropy %.4f nats, prediction %d, with the head masked %d\n",
                     m_example, m_layer, m_head, view.entropy, view.prediction, view.predictionHeadMasked);
    }
}

} // namespace headscope::cli
