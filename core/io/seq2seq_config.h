#pragma once
// config.json (+ generation_config.json) of a Hugging Face encoder-decoder translation model.
//
//   auto cfg = loadSeq2SeqConfig("models/opus-mt-en-de");   // the folder
//   if (!cfg) return cfg.error();
//   int heads = cfg->nHeads(AttentionType::EncoderDecoder);
//
// Only model_type "marian" is supported; other encoder-decoder types (t5, bart, ...) get an
// error that lists what is.
#include "mask/head_mask.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::core {

/// Feed-forward activation of the encoder-decoder layers.
enum class FfnActivation { Swish, GeluErf, GeluTanh, Relu };
/// config.json spelling ("swish", "gelu", "gelu_new", "relu").
const char* ffnActivationName(FfnActivation activation);

/// The generation settings generate() would use (generation_config.json overrides config.json).
struct GenerationSettings
{
    int64_t decoderStartTokenId = 0;
    int64_t eosTokenId = 0;
    int64_t padTokenId = 0;
    int64_t forcedEosTokenId = -1;               // -1: none
    int maxLength = 20;                          // total length including the start token
    int numBeams = 1;
    double lengthPenalty = 1.0;
    std::vector<std::vector<int64_t>> badWordsIds; // single-token entries are banned at every step
};

struct Seq2SeqConfig
{
    std::string modelType;   // "marian"
    int dModel = 0;
    int encoderLayers = 0;
    int decoderLayers = 0;
    int encoderHeads = 0;
    int decoderHeads = 0;
    int encoderFfnDim = 0;
    int decoderFfnDim = 0;
    FfnActivation activation = FfnActivation::Swish;
    bool scaleEmbedding = false;   // multiply token embeddings by sqrt(d_model)
    int maxPositionEmbeddings = 0; // rows of the static sinusoidal tables
    int vocabSize = 0;
    int decoderVocabSize = 0;      // = vocabSize unless the vocabularies are separate
    bool shareEncoderDecoderEmbeddings = true;
    double layerNormEps = 1e-5;    // nn.LayerNorm's default, fixed in HF's Marian
    GenerationSettings generation;
    /// Heads removed structurally by HeadScope's pruning, per type and layer (original indices);
    /// HF has no field for it, so HeadScope writes "headscope_pruned_heads".
    std::vector<std::vector<int>> prunedEncoderSelf, prunedEncoderDecoder, prunedDecoderSelf;
    /// The config.json text read, so that saving keeps the fields HeadScope does not use.
    std::string sourceJson;

    int headDim() const;
    int nLayers(AttentionType type) const;
    int nHeads(AttentionType type) const; // before any pruning
    const std::vector<std::vector<int>>& prunedHeads(AttentionType type) const;
    std::vector<std::vector<int>>& prunedHeads(AttentionType type);
};

/// The model_type written in dir/config.json, so that front ends can pick the engine.
Result<std::string> readModelType(const std::string& dir);
/// True for model types handled by Seq2SeqModel ("marian").
bool isSeq2SeqModelType(const std::string& modelType);
/// Reads dir/config.json and, when present, dir/generation_config.json.
Result<Seq2SeqConfig> loadSeq2SeqConfig(const std::string& dir);
/// Parses config.json text (path used in messages); generationJson may be empty.
Result<Seq2SeqConfig> parseSeq2SeqConfig(const std::string& configJson, const std::string& path,
                                         const std::string& generationJson = {},
                                         const std::string& generationPath = {});
/// Serialises back to an HF config.json (with headscope_pruned_heads when heads were pruned).
std::string seq2SeqConfigToJson(const Seq2SeqConfig& config);

} // namespace headscope::core
