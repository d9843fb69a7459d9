#pragma once
// config.json of a Hugging Face BERT-family sequence classifier.
#include "util/result.h"

#include <map>
#include <string>
#include <vector>

namespace headscope::core {

enum class Architecture { Bert, DistilBert };
enum class Activation { GeluErf, GeluTanh, Relu };

struct ModelConfig
{
    Architecture architecture = Architecture::Bert;
    std::string modelType;        // as written in config.json ("bert", "distilbert")
    int nLayers = 0;              // num_hidden_layers / n_layers
    int nHeads = 0;               // num_attention_heads / n_heads (before any pruning)
    int hiddenSize = 0;           // hidden_size / dim
    int intermediateSize = 0;     // intermediate_size / hidden_dim
    int headDim() const { return nHeads > 0 ? hiddenSize / nHeads : 0; }
    double layerNormEps = 1e-12;  // distilbert: 1e-12 fixed
    Activation activation = Activation::GeluErf;
    int maxPositionEmbeddings = 512;
    int typeVocabSize = 2;        // 0 for distilbert (no token types)
    int vocabSize = 0;
    int padTokenId = 0;
    int nLabels = 2;
    std::vector<std::string> id2label;      // index = label id
    std::map<std::string, int> label2id;
    /// Heads already removed, per layer, in original head indices (HF "pruned_heads").
    std::vector<std::vector<int>> prunedHeads;
    std::string problemType;      // "single_label_classification" or empty

    /// Heads present in layer l after HF pruning.
    int nHeadsInLayer(int layer) const;
};

/// Parses config.json; unsupported model_type gives
/// "unsupported architecture X; supported: bert, distilbert".
Result<ModelConfig> loadModelConfig(const std::string& configJsonPath);
/// Same, from a JSON string (path is used in messages only).
Result<ModelConfig> parseModelConfig(const std::string& jsonText, const std::string& path);
/// Serialises back to HF config.json (keeps the model type's field names).
std::string modelConfigToJson(const ModelConfig& config);

} // namespace headscope::core
