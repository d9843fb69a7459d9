#include "io/model_config.h"

#include "util/json_error_text.h"
#include "util/json_nesting.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace headscope::core {

namespace {

using json = nlohmann::json;

// Reads typed fields of one config.json, so that every error names the file and the field.
class ConfigReader
{
public:
    ConfigReader(const json& root, const std::string& path) : m_root(root), m_path(path) {}

    const std::string& path() const { return m_path; }

    bool has(const char* key) const
    {
        const auto it = m_root.find(key);
        return it != m_root.end() && !it->is_null();
    }

    int requireInt(const char* key) const
    {
        if (!has(key))
            fail(ErrorCode::InvalidFile, std::string("config.json lacks the field \"") + key + "\"", m_path,
                 "model_type '" + m_root.value("model_type", std::string()) + "'");
        return intValue(key);
    }

    int optionalInt(const char* key, int fallback) const { return has(key) ? intValue(key) : fallback; }

    double optionalDouble(const char* key, double fallback) const
    {
        if (!has(key))
            return fallback;
        const json& value = m_root.at(key);
        if (!value.is_number())
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be a number", m_path,
                 "found " + value.dump());
        return value.get<double>();
    }

    std::string optionalString(const char* key, const std::string& fallback) const
    {
        if (!has(key))
            return fallback;
        const json& value = m_root.at(key);
        if (!value.is_string())
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be a string", m_path,
                 "found " + value.dump());
        return value.get<std::string>();
    }

    bool optionalBool(const char* key, bool fallback) const
    {
        if (!has(key))
            return fallback;
        const json& value = m_root.at(key);
        if (!value.is_boolean())
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be true or false", m_path,
                 "found " + value.dump());
        return value.get<bool>();
    }

    const json* optionalObject(const char* key) const
    {
        if (!has(key))
            return nullptr;
        const json& value = m_root.at(key);
        if (!value.is_object())
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be a JSON object", m_path,
                 "found " + value.dump());
        return &value;
    }

private:
    int intValue(const char* key) const
    {
        const json& value = m_root.at(key);
        if (!value.is_number_integer() ||
            (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(std::numeric_limits<int>::max())) ||
            (!value.is_number_unsigned() && (value.get<int64_t>() < std::numeric_limits<int>::min() ||
                                             value.get<int64_t>() > std::numeric_limits<int>::max())))
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be an integer", m_path,
                 "found " + value.dump());
        return static_cast<int>(value.get<int64_t>());
    }

    const json& m_root;
    const std::string& m_path;
};

// Strict decimal key such as "0" or "11" (JSON object keys are strings).
int parseIndexKey(const std::string& key, const char* field, const std::string& path)
{
    const bool digits = !key.empty() && key.size() <= 9 &&
                        std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || (key.size() > 1 && key[0] == '0'))
        fail(ErrorCode::InvalidFile, std::string("config field \"") + field + "\" has a key that is not an index",
             path, "key '" + key + "'");
    return std::stoi(key);
}

Activation parseActivation(const std::string& name, const char* field, const std::string& path)
{
    if (name == "gelu")
        return Activation::GeluErf;
    if (name == "gelu_new" || name == "gelu_pytorch_tanh")
        return Activation::GeluTanh;
    if (name == "relu")
        return Activation::Relu;
    fail(ErrorCode::Unsupported, "unsupported activation '" + name + "'", path,
         std::string("field \"") + field + "\"; supported: gelu, gelu_new, gelu_pytorch_tanh, relu");
}

const char* activationName(Activation activation)
{
    switch (activation) {
    case Activation::GeluErf: return "gelu";
    case Activation::GeluTanh: return "gelu_new";
    case Activation::Relu: return "relu";
    }
    return "gelu";
}

void parseBert(const ConfigReader& r, ModelConfig& c)
{
    c.architecture = Architecture::Bert;
    c.nLayers = r.requireInt("num_hidden_layers");
    c.nHeads = r.requireInt("num_attention_heads");
    c.hiddenSize = r.requireInt("hidden_size");
    c.intermediateSize = r.requireInt("intermediate_size");
    c.vocabSize = r.requireInt("vocab_size");
    c.layerNormEps = r.optionalDouble("layer_norm_eps", 1e-12);
    c.activation = parseActivation(r.optionalString("hidden_act", "gelu"), "hidden_act", r.path());
    c.maxPositionEmbeddings = r.optionalInt("max_position_embeddings", 512);
    c.typeVocabSize = r.optionalInt("type_vocab_size", 2);
    c.padTokenId = r.optionalInt("pad_token_id", 0);
    const std::string positions = r.optionalString("position_embedding_type", "absolute");
    if (positions != "absolute")
        fail(ErrorCode::Unsupported, "unsupported position_embedding_type '" + positions + "'", r.path(),
             "only \"absolute\" position embeddings are supported");
    if (c.typeVocabSize < 1)
        fail(ErrorCode::InvalidFile, "config field \"type_vocab_size\" must be positive", r.path(),
             "found " + std::to_string(c.typeVocabSize));
}

void parseDistilBert(const ConfigReader& r, ModelConfig& c)
{
    c.architecture = Architecture::DistilBert;
    c.nLayers = r.requireInt("n_layers");
    c.nHeads = r.requireInt("n_heads");
    c.hiddenSize = r.requireInt("dim");
    c.intermediateSize = r.requireInt("hidden_dim");
    c.vocabSize = r.requireInt("vocab_size");
    c.activation = parseActivation(r.optionalString("activation", "gelu"), "activation", r.path());
    c.maxPositionEmbeddings = r.optionalInt("max_position_embeddings", 512);
    c.padTokenId = r.optionalInt("pad_token_id", 0);
    c.typeVocabSize = 0;    // DistilBERT has no token type embeddings
    c.layerNormEps = 1e-12; // fixed in DistilBERT's code, not configurable
    // sinusoidal_pos_embds only changes how HF initialises the table; the table itself is
    // stored in the weights, so both settings load the same way.
    r.optionalBool("sinusoidal_pos_embds", false);
}

void parseLabels(const ConfigReader& r, ModelConfig& c)
{
    const std::string& path = r.path();
    const json* id2label = r.optionalObject("id2label");
    if (id2label) {
        c.id2label.assign(id2label->size(), std::string());
        std::vector<bool> seen(id2label->size(), false);
        for (const auto& [key, value] : id2label->items()) {
            const int id = parseIndexKey(key, "id2label", path);
            if (id >= static_cast<int>(id2label->size()) || seen[id])
                fail(ErrorCode::InvalidFile, "config field \"id2label\" must number its labels 0..n-1", path,
                     "key '" + key + "' among " + std::to_string(id2label->size()) + " labels");
            if (!value.is_string())
                fail(ErrorCode::InvalidFile, "config field \"id2label\" must map ids to strings", path,
                     "key '" + key + "'");
            seen[id] = true;
            c.id2label[id] = value.get<std::string>();
        }
    }
    if (r.has("num_labels")) {
        c.nLabels = r.optionalInt("num_labels", 2);
        if (id2label && static_cast<int>(c.id2label.size()) != c.nLabels)
            fail(ErrorCode::InvalidFile, "config fields \"num_labels\" and \"id2label\" disagree", path,
                 "num_labels " + std::to_string(c.nLabels) + ", id2label has " + std::to_string(c.id2label.size()));
    } else {
        c.nLabels = id2label ? static_cast<int>(c.id2label.size()) : 2;
    }
    if (c.nLabels < 1)
        fail(ErrorCode::InvalidFile, "the model needs at least one label", path,
             "num_labels " + std::to_string(c.nLabels));
    if (!id2label) // Hugging Face's default names
        for (int i = 0; i < c.nLabels; ++i)
            c.id2label.push_back("LABEL_" + std::to_string(i));

    if (const json* label2id = r.optionalObject("label2id")) {
        for (const auto& [name, value] : label2id->items()) {
            if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() >= c.nLabels)
                fail(ErrorCode::InvalidFile, "config field \"label2id\" must map labels to ids 0..n-1", path,
                     "label '" + name + "' -> " + value.dump());
            c.label2id[name] = static_cast<int>(value.get<int64_t>());
        }
    } else {
        for (int i = 0; i < c.nLabels; ++i)
            c.label2id[c.id2label[i]] = i;
    }
}

void parsePrunedHeads(const ConfigReader& r, ModelConfig& c)
{
    c.prunedHeads.assign(c.nLayers, {});
    const json* pruned = r.optionalObject("pruned_heads");
    if (!pruned)
        return;
    for (const auto& [key, heads] : pruned->items()) {
        const int layer = parseIndexKey(key, "pruned_heads", r.path());
        if (layer >= c.nLayers)
            fail(ErrorCode::InvalidFile, "config field \"pruned_heads\" names a layer that does not exist",
                 r.path(), "layer " + key + ", the model has " + std::to_string(c.nLayers) + " layers");
        if (!heads.is_array())
            fail(ErrorCode::InvalidFile, "config field \"pruned_heads\" must map layers to lists of heads",
                 r.path(), "layer " + key);
        auto& list = c.prunedHeads[layer];
        for (const auto& head : heads) {
            if (!head.is_number_integer() || head.get<int64_t>() < 0 || head.get<int64_t>() >= c.nHeads)
                fail(ErrorCode::InvalidFile, "config field \"pruned_heads\" names a head that does not exist",
                     r.path(),
                     "layer " + key + ", head " + head.dump() + ", the model has " + std::to_string(c.nHeads) +
                         " heads per layer");
            list.push_back(static_cast<int>(head.get<int64_t>()));
        }
        std::sort(list.begin(), list.end());
        list.erase(std::unique(list.begin(), list.end()), list.end());
    }
}

void checkPositive(int value, const char* what, const std::string& path)
{
    if (value <= 0)
        fail(ErrorCode::InvalidFile, std::string("config value ") + what + " must be positive", path,
             "found " + std::to_string(value));
}

void validate(const ModelConfig& c, const std::string& path)
{
    checkPositive(c.nLayers, "layer count", path);
    checkPositive(c.nHeads, "head count", path);
    checkPositive(c.hiddenSize, "hidden size", path);
    checkPositive(c.intermediateSize, "intermediate size", path);
    checkPositive(c.vocabSize, "vocab_size", path);
    checkPositive(c.maxPositionEmbeddings, "max_position_embeddings", path);
    if (c.hiddenSize % c.nHeads != 0)
        fail(ErrorCode::InvalidFile, "hidden size is not a multiple of the head count", path,
             "hidden " + std::to_string(c.hiddenSize) + ", heads " + std::to_string(c.nHeads));
    if (c.padTokenId < 0 || c.padTokenId >= c.vocabSize)
        fail(ErrorCode::InvalidFile, "pad_token_id lies outside the vocabulary", path,
             "pad_token_id " + std::to_string(c.padTokenId) + ", vocab_size " + std::to_string(c.vocabSize));
    if (!(c.layerNormEps > 0.0) || !std::isfinite(c.layerNormEps))
        fail(ErrorCode::InvalidFile, "layer_norm_eps must be a positive number", path);
}

} // namespace

int ModelConfig::nHeadsInLayer(int layer) const
{
    if (layer < 0 || layer >= nLayers)
        return 0;
    if (layer >= static_cast<int>(prunedHeads.size()))
        return nHeads;
    return nHeads - static_cast<int>(prunedHeads[layer].size());
}

Result<ModelConfig> parseModelConfig(const std::string& jsonText, const std::string& path)
{
    return captureResult([&]() -> ModelConfig {
        checkJsonNesting(jsonText, path, "config.json");
        json root;
        try {
            root = json::parse(jsonText);
        } catch (const json::exception& e) {
            fail(ErrorCode::InvalidFile, "config.json is not valid JSON", path, jsonErrorText(e));
        }
        if (!root.is_object())
            fail(ErrorCode::InvalidFile, "config.json is not a JSON object", path);
        const auto typeIt = root.find("model_type");
        if (typeIt == root.end() || !typeIt->is_string())
            fail(ErrorCode::InvalidFile, "config.json has no \"model_type\" string", path,
                 "expected \"bert\" or \"distilbert\"");

        ModelConfig config;
        config.modelType = typeIt->get<std::string>();
        const ConfigReader reader(root, path);
        if (config.modelType == "bert")
            parseBert(reader, config);
        else if (config.modelType == "distilbert")
            parseDistilBert(reader, config);
        else
            fail(ErrorCode::Unsupported,
                 "unsupported architecture '" + config.modelType + "'; supported: bert, distilbert", path);

        validate(config, path);
        parseLabels(reader, config);
        parsePrunedHeads(reader, config);
        const std::string problemType = reader.optionalString("problem_type", "");
        if (!problemType.empty() && problemType != "single_label_classification" && problemType != "regression" &&
            problemType != "multi_label_classification")
            fail(ErrorCode::InvalidFile, "config field \"problem_type\" has an unknown value", path,
                 "found '" + problemType + "'");
        config.problemType = problemType;
        return config;
    });
}

Result<ModelConfig> loadModelConfig(const std::string& configJsonPath)
{
    std::ifstream in(configJsonPath, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(configJsonPath, ec))
            return Error{ErrorCode::FileNotFound, "file not found", configJsonPath, {}};
        return Error{ErrorCode::InvalidFile, "cannot read file", configJsonPath, std::strerror(errno)};
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parseModelConfig(buffer.str(), configJsonPath);
}

std::string modelConfigToJson(const ModelConfig& config)
{
    json out = json::object();
    const bool distil = config.architecture == Architecture::DistilBert;
    if (distil) {
        out["architectures"] = {"DistilBertForSequenceClassification"};
        out["model_type"] = "distilbert";
        out["n_layers"] = config.nLayers;
        out["n_heads"] = config.nHeads;
        out["dim"] = config.hiddenSize;
        out["hidden_dim"] = config.intermediateSize;
        out["activation"] = activationName(config.activation);
    } else {
        out["architectures"] = {"BertForSequenceClassification"};
        out["model_type"] = "bert";
        out["num_hidden_layers"] = config.nLayers;
        out["num_attention_heads"] = config.nHeads;
        out["hidden_size"] = config.hiddenSize;
        out["intermediate_size"] = config.intermediateSize;
        out["hidden_act"] = activationName(config.activation);
        out["layer_norm_eps"] = config.layerNormEps;
        out["type_vocab_size"] = config.typeVocabSize;
        out["position_embedding_type"] = "absolute";
    }
    out["max_position_embeddings"] = config.maxPositionEmbeddings;
    out["vocab_size"] = config.vocabSize;
    out["pad_token_id"] = config.padTokenId;

    json id2label = json::object();
    for (size_t i = 0; i < config.id2label.size(); ++i)
        id2label[std::to_string(i)] = config.id2label[i];
    out["id2label"] = id2label;
    json label2id = json::object();
    for (const auto& [name, id] : config.label2id)
        label2id[name] = id;
    out["label2id"] = label2id;
    if (!config.problemType.empty())
        out["problem_type"] = config.problemType;

    json pruned = json::object();
    for (size_t layer = 0; layer < config.prunedHeads.size(); ++layer)
        if (!config.prunedHeads[layer].empty())
            pruned[std::to_string(layer)] = config.prunedHeads[layer];
    if (!pruned.empty())
        out["pruned_heads"] = pruned;
    out["torch_dtype"] = "float32";
    return out.dump(2) + "\n";
}

} // namespace headscope::core
