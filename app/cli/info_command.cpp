#include "info_command.h"

#include "inputs.h"
#include "model/encoder_model.h"
#include "util/process_setup.h"
#include "model/speed_check.h"
#include "text_table.h"
#include "translation_info.h"
#include "translation_inputs.h"

#include <CLI/CLI.hpp>
#include <cstdio>

namespace headscope::cli {

namespace {

const char* activationName(core::Activation a)
{
    switch (a) {
    case core::Activation::GeluErf:
        return "gelu";
    case core::Activation::GeluTanh:
        return "gelu_new";
    case core::Activation::Relu:
        return "relu";
    }
    return "gelu";
}

Json configJson(const core::ModelConfig& c)
{
    Json j = Json::object();
    j["model_type"] = c.modelType;
    j["layers"] = c.nLayers;
    j["heads"] = c.nHeads;
    j["hidden_size"] = c.hiddenSize;
    j["head_dim"] = c.headDim();
    j["intermediate_size"] = c.intermediateSize;
    j["activation"] = activationName(c.activation);
    j["layer_norm_eps"] = c.layerNormEps;
    j["max_position_embeddings"] = c.maxPositionEmbeddings;
    j["type_vocab_size"] = c.typeVocabSize;
    j["vocab_size"] = c.vocabSize;
    j["pad_token_id"] = c.padTokenId;
    j["num_labels"] = c.nLabels;
    j["id2label"] = c.id2label;
    Json label2id = Json::object();
    for (const auto& [name, id] : c.label2id)
        label2id[name] = id;
    j["label2id"] = label2id;
    Json pruned = Json::object();
    for (size_t l = 0; l < c.prunedHeads.size(); ++l) {
        if (!c.prunedHeads[l].empty()) pruned[std::to_string(l)] = c.prunedHeads[l];
    }
    j["pruned_heads"] = pruned;
    j["problem_type"] = c.problemType.empty() ? Json(nullptr) : Json(c.problemType);
    return j;
}

std::string joinInts(const std::vector<int>& v)
{
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? " " : "") + std::to_string(v[i]);
    return s;
}

} // namespace

CLI::App* InfoCommand::setup(CLI::App& app)
{
    CLI::App* sub =
        app.add_subcommand("info", "Describe a model folder (classifier or translation model): config, heads, parameters, tokenizer, speed");
    sub->add_option("--model", m_modelDir, "Hugging Face model folder")->required()->type_name("DIR");
    sub->add_flag("--no-speed-check", m_noSpeedCheck, "Skip the fp32 matmul speed check");
    addModelOptions(*sub, m_common);
    addOutputOptions(*sub, m_common);
    return sub;
}

void InfoCommand::run(Json& doc, ProgressReporter&)
{
    if (isTranslationModel(m_modelDir))
        describeTranslationModel(doc, m_modelDir, m_common);
    else
        describeClassifier(doc);
    if (m_noSpeedCheck) {
        doc["speed_check"] = nullptr;
        return;
    }
    addSpeedCheck(doc);
}

void InfoCommand::describeClassifier(Json& doc) const
{
    const ModelPtr model = loadModel(m_modelDir, m_common);
    const core::ModelConfig& cfg = model->config();
    const core::WordPieceTokenizer& tok = model->tokenizer();
    doc["model"] = modelJson(*model);
    doc["config"] = configJson(cfg);

    Json weights = Json::object();
    weights["file"] = model->weightsFile();
    weights["bytes"] = model->weightBytes();
    weights["load_seconds"] = model->loadSeconds();
    weights["ignored_tensors"] = model->ignoredTensors();
    doc["weights"] = weights;

    Json tokenizer = Json::object();
    tokenizer["vocab_size"] = static_cast<int64_t>(tok.vocabSize());
    tokenizer["lower_case"] = tok.options().doLowerCase;
    tokenizer["strip_accents"] = tok.options().stripAccents.value_or(tok.options().doLowerCase);
    tokenizer["model_max_length"] = tok.options().modelMaxLength;
    tokenizer["max_length"] = resolveMaxLength(*model, m_common);
    doc["tokenizer"] = tokenizer;

    std::fprintf(stderr, "model         %s\n", model->directory().c_str());
    std::fprintf(stderr,
                 "architecture  %s, %d layers x %d heads, hidden %d (head dim %d), intermediate %d, %s\n",
                 cfg.modelType.c_str(), cfg.nLayers, cfg.nHeads, cfg.hiddenSize, cfg.headDim(),
                 cfg.intermediateSize, activationName(cfg.activation));
    std::fprintf(stderr, "heads/layer   %s (%d heads present)\n", joinInts(model->headsPerLayer()).c_str(),
                 countActiveHeads(*model, {}));
    std::fprintf(stderr, "parameters    %s (%s bytes of weights, loaded in %.2f s)\n",
                 formatCount(model->parameterCount()).c_str(), formatCount(model->weightBytes()).c_str(),
                 model->loadSeconds());
    std::string labels;
    for (size_t i = 0; i < cfg.id2label.size(); ++i)
        labels += (i ? ", " : "") + std::to_string(i) + "=" + cfg.id2label[i];
    std::fprintf(stderr, "labels        %s\n", labels.c_str());
    std::fprintf(stderr, "positions     %d, token types %d, vocabulary %d\n", cfg.maxPositionEmbeddings,
                 cfg.typeVocabSize, cfg.vocabSize);
    std::fprintf(stderr, "weights       %s\n", model->weightsFile().c_str());
    for (const auto& name : model->ignoredTensors())
        std::fprintf(stderr, "  ignored     %s\n", name.c_str());
    std::fprintf(stderr, "tokenizer     WordPiece, %zu entries, lower case %s, max length %d\n",
                 tok.vocabSize(), tok.options().doLowerCase ? "yes" : "no", tok.options().modelMaxLength);
    describeRuntime(doc, model->deviceName(), core::precisionName(model->precision()));
}

void InfoCommand::addSpeedCheck(Json& doc)
{
    const core::SpeedCheck speed = core::runSpeedCheck();
    Json check = Json::object();
    check["gflops"] = speed.gflops;
    check["blas"] = speed.blasLibrary;
    check["slow"] = speed.slow;
    check["advice"] = speed.advice;
    const std::string kernels = core::blasKernelNote();
    check["blas_kernels"] = kernels.empty() ? Json(nullptr) : Json(kernels);
    doc["speed_check"] = check;
    std::fprintf(stderr, "speed check   %.1f GFLOP/s fp32 matmul, BLAS %s%s\n", speed.gflops,
                 speed.blasLibrary.empty() ? "unknown" : speed.blasLibrary.c_str(),
                 kernels.empty() ? "" : (", " + kernels).c_str());
    if (speed.slow)
        std::fprintf(stderr, "warning: matrix products are slow here. %s\n", speed.advice.c_str());
}

} // namespace headscope::cli
