#include "mask_command.h"

#include "cli_error.h"
#include "io/model_config.h"
#include "report/result_json.h"
#include "mask_formats.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

namespace headscope::cli {

CLI::App* MaskCommand::setup(CLI::App& app)
{
    CLI::App* sub = app.add_subcommand(
        "mask", "Convert a mask file between formats (json, hf, descriptor, paper, csv, npy)");
    sub->add_option("--in", m_in, "Input mask file")->required()->type_name("FILE");
    sub->add_option("--out", m_out, "Output mask file")->required()->type_name("FILE");
    sub->add_option("--to", m_to, "Output format (default: from the output file name)")
        ->check(CLI::IsMember(core::maskFormatNames()));
    sub->add_option("--from", m_from, "Input format (default: from the input file name and content)")
        ->check(CLI::IsMember(core::maskFormatNames()));
    auto* model = sub->add_option("--model", m_modelDir, "Model folder whose config.json gives the shape")
                      ->type_name("DIR");
    auto* layers = sub->add_option("--layers", m_layers,
                                   "Number of layers (formats without a shape: hf, descriptor, paper)")
                       ->check(CLI::Range(1, 100000));
    auto* heads = sub->add_option("--heads", m_heads, "Heads per layer")->check(CLI::Range(1, 100000));
    layers->needs(heads)->excludes(model);
    heads->needs(layers)->excludes(model);
    addOutputOptions(*sub, m_common);
    return sub;
}

void MaskCommand::run(Json& doc, ProgressReporter&)
{
    std::string architecture;
    if (!m_modelDir.empty()) {
        const std::string configPath = (std::filesystem::path(m_modelDir) / "config.json").string();
        const core::ModelConfig config = unwrap(core::loadModelConfig(configPath));
        m_layers = config.nLayers;
        m_heads = config.nHeads;
        architecture = config.modelType;
    }
    core::MaskSet set = readMaskAs(m_in, m_from, m_layers, m_heads);
    if (!architecture.empty()) set.architecture = architecture;
    if (m_layers > 0 && (set.nLayers != m_layers || set.nHeads != m_heads))
        core::fail(core::ErrorCode::ShapeMismatch,
                   "the mask is for " + std::to_string(set.nLayers) + " layers x " +
                       std::to_string(set.nHeads) + " heads, the model has " + std::to_string(m_layers) +
                       " x " + std::to_string(m_heads),
                   m_in);
    writeMaskAs(m_out, set, m_to);

    const core::HeadMask mask =
        unwrap(set.maskFor(core::AttentionType::EncoderSelf, set.nLayers, set.nHeads));
    doc["in"] = m_in;
    doc["out"] = m_out;
    doc["from"] = m_from.empty() ? Json(nullptr) : Json(m_from);
    doc["to"] = m_to.empty() ? core::maskFormatName(core::maskFormatFromPath(m_out)) : m_to;
    doc["architecture"] = set.architecture;
    doc["layers"] = set.nLayers;
    doc["heads"] = set.nHeads;
    doc["mask"] = core::report::maskJson(mask);
    Json types = Json::array();
    for (const auto& [type, m] : set.masks)
        types.push_back(core::attentionTypeName(type));
    doc["attention_types"] = types;
    std::fprintf(stderr, "mask     %s -> %s: %d layers x %d heads, %d heads masked (%s)\n", m_in.c_str(),
                 m_out.c_str(), set.nLayers, set.nHeads, mask.countMasked(), core::report::descriptorOf(mask).c_str());
}

} // namespace headscope::cli
