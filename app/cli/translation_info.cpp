#include "translation_info.h"

#include "model/seq2seq_model.h"
#include "report/translation_json.h"
#include "text_table.h"
#include "translation_inputs.h"

#include <cstdio>
#include <filesystem>
#include <system_error>

namespace headscope::cli {

namespace {

using core::AttentionType;

std::string joinInts(const std::vector<int>& v)
{
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? " " : "") + std::to_string(v[i]);
    return s;
}

Json prunedJson(const std::vector<std::vector<int>>& pruned)
{
    Json j = Json::object();
    for (size_t l = 0; l < pruned.size(); ++l) {
        if (!pruned[l].empty())
            j[std::to_string(l)] = pruned[l];
    }
    return j;
}

Json configJson(const core::Seq2SeqConfig& c)
{
    Json j = Json::object();
    j["model_type"] = c.modelType;
    j["d_model"] = c.dModel;
    j["head_dim"] = c.headDim();
    j["encoder_layers"] = c.encoderLayers;
    j["decoder_layers"] = c.decoderLayers;
    j["encoder_attention_heads"] = c.encoderHeads;
    j["decoder_attention_heads"] = c.decoderHeads;
    j["encoder_ffn_dim"] = c.encoderFfnDim;
    j["decoder_ffn_dim"] = c.decoderFfnDim;
    j["activation_function"] = core::ffnActivationName(c.activation);
    j["scale_embedding"] = c.scaleEmbedding;
    j["max_position_embeddings"] = c.maxPositionEmbeddings;
    j["vocab_size"] = c.vocabSize;
    j["decoder_vocab_size"] = c.decoderVocabSize;
    j["share_encoder_decoder_embeddings"] = c.shareEncoderDecoderEmbeddings;
    Json pruned = Json::object();
    for (AttentionType t : core::kSeq2SeqAttentionTypes)
        pruned[core::attentionTypeName(t)] = prunedJson(c.prunedHeads(t));
    j["pruned_heads"] = pruned;
    return j;
}

Json generationJson(const core::GenerationSettings& g)
{
    Json j = Json::object();
    j["decoder_start_token_id"] = g.decoderStartTokenId;
    j["eos_token_id"] = g.eosTokenId;
    j["pad_token_id"] = g.padTokenId;
    j["forced_eos_token_id"] = g.forcedEosTokenId < 0 ? Json(nullptr) : Json(g.forcedEosTokenId);
    j["max_length"] = g.maxLength;
    j["num_beams"] = g.numBeams;
    j["length_penalty"] = g.lengthPenalty;
    j["bad_words_ids"] = g.badWordsIds;
    return j;
}

int64_t fileBytes(const std::string& path)
{
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    return ec ? -1 : int64_t(n);
}

} // namespace

void describeTranslationModel(Json& doc, const std::string& modelDir, const CommonOptions& common)
{
    const Seq2SeqModelPtr model = loadSeq2SeqModel(modelDir, common);
    const core::Seq2SeqConfig& cfg = model->config();
    const core::MarianTokenizer& tok = model->tokenizer();
    doc["model"] = core::report::seq2seqModelJson(*model);
    doc["config"] = configJson(cfg);
    doc["generation"] = generationJson(cfg.generation);

    Json weights = Json::object();
    weights["file"] = model->weightsFile();
    weights["bytes"] = fileBytes(model->weightsFile());
    weights["load_seconds"] = model->loadSeconds();
    weights["ignored_tensors"] = model->ignoredTensors();
    doc["weights"] = weights;

    const std::filesystem::path dir(model->directory());
    Json tokenizer = Json::object();
    tokenizer["source_spm"] = (dir / "source.spm").string();
    tokenizer["target_spm"] = (dir / "target.spm").string();
    tokenizer["vocab"] = tok.vocabPath();
    tokenizer["vocab_size"] = static_cast<int64_t>(tok.vocabSize());
    tokenizer["eos_id"] = tok.eosId();
    tokenizer["pad_id"] = tok.padId();
    tokenizer["unk_id"] = tok.unkId();
    doc["tokenizer"] = tokenizer;

    std::fprintf(stderr, "model         %s\n", model->directory().c_str());
    std::fprintf(stderr,
                 "architecture  %s encoder-decoder, d_model %d (head dim %d), ffn %d/%d, %s%s\n",
                 cfg.modelType.c_str(), cfg.dModel, cfg.headDim(), cfg.encoderFfnDim, cfg.decoderFfnDim,
                 core::ffnActivationName(cfg.activation), cfg.scaleEmbedding ? ", embeddings scaled" : "");
    for (AttentionType t : core::kSeq2SeqAttentionTypes) {
        int present = 0;
        for (int n : model->headsPerLayer(t))
            present += n;
        std::fprintf(stderr, "%-15s %d layers x %d heads; per layer %s (%d present)\n", core::attentionTypeName(t),
                     model->nLayers(t), model->nHeads(t), joinInts(model->headsPerLayer(t)).c_str(), present);
    }
    std::fprintf(stderr, "parameters    %s (%s bytes of weights, loaded in %.2f s)\n",
                 formatCount(model->parameterCount()).c_str(), formatCount(fileBytes(model->weightsFile())).c_str(),
                 model->loadSeconds());
    std::fprintf(stderr, "vocabulary    %d%s, positions %d\n", cfg.vocabSize,
                 cfg.shareEncoderDecoderEmbeddings ? " (shared by encoder and decoder)" : "",
                 cfg.maxPositionEmbeddings);
    const auto& g = cfg.generation;
    std::fprintf(stderr,
                 "generation    start %lld, eos %lld, pad %lld, max length %d, beams %d, length penalty %g, "
                 "%zu banned words\n",
                 static_cast<long long>(g.decoderStartTokenId), static_cast<long long>(g.eosTokenId),
                 static_cast<long long>(g.padTokenId), g.maxLength, g.numBeams, g.lengthPenalty,
                 g.badWordsIds.size());
    std::fprintf(stderr, "weights       %s\n", model->weightsFile().c_str());
    for (const auto& name : model->ignoredTensors())
        std::fprintf(stderr, "  ignored     %s\n", name.c_str());
    std::fprintf(stderr, "tokenizer     SentencePiece source.spm + target.spm, %s: %zu entries\n",
                 tok.vocabPath().c_str(), tok.vocabSize());
    describeRuntime(doc, model->deviceName(), core::precisionName(model->precision()));
}

void describeRuntime(Json& doc, const std::string& deviceName, const char* precisionName)
{
    Json runtime = Json::object();
    runtime["device"] = deviceName;
    runtime["precision"] = precisionName;
    runtime["threads"] = core::torchThreads();
    runtime["cuda_available"] = core::cudaAvailable();
    runtime["cuda_devices"] = core::cudaAvailable() ? core::cudaDeviceCount() : 0;
    doc["runtime"] = runtime;
    std::fprintf(stderr, "device        %s, %s, %d threads%s\n", deviceName.c_str(), precisionName,
                 core::torchThreads(), core::cudaAvailable() ? "" : " (no CUDA device)");
}

} // namespace headscope::cli
