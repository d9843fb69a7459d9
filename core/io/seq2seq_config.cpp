#include "io/seq2seq_config.h"

#include "util/json_error_text.h"
#include "util/json_nesting.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace headscope::core {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const char* const kSupported = "marian";
// Encoder-decoder types of transformers that users may try; named so the error can say that
// the type is known but not handled, rather than unknown.
const char* const kKnownSeq2Seq[] = {"t5", "mt5", "bart", "mbart", "fsmt", "pegasus", "m2m_100", "nllb", "led",
                                     "prophetnet", "blenderbot", "blenderbot-small", "longt5", "umt5",
                                     "bigbird_pegasus", "plbart", "speech_to_text", "whisper"};

std::string readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(ErrorCode::FileNotFound, "cannot open the file", path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

json parseObject(const std::string& text, const std::string& path, const char* what)
{
    checkJsonNesting(text, path, what);
    json root;
    try {
        root = json::parse(text);
    } catch (const json::exception& e) {
        fail(ErrorCode::InvalidFile, std::string(what) + " is not valid JSON", path, jsonErrorText(e));
    }
    if (!root.is_object())
        fail(ErrorCode::InvalidFile, std::string(what) + " is not a JSON object", path);
    return root;
}

// Typed access to one JSON object, so that every error names the file and the field.
class Fields
{
public:
    Fields(const json& root, const std::string& path) : m_root(root), m_path(path) {}

    bool has(const char* key) const
    {
        const auto it = m_root.find(key);
        return it != m_root.end() && !it->is_null();
    }

    int64_t requireInt(const char* key) const
    {
        if (!has(key))
            fail(ErrorCode::InvalidFile, std::string("config.json lacks the field \"") + key + "\"", m_path,
                 "model_type 'marian'");
        return intValue(key);
    }
    int64_t optionalInt(const char* key, int64_t fallback) const { return has(key) ? intValue(key) : fallback; }

    double optionalDouble(const char* key, double fallback) const
    {
        if (!has(key))
            return fallback;
        if (!m_root.at(key).is_number())
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be a number", m_path,
                 "found " + m_root.at(key).dump());
        return m_root.at(key).get<double>();
    }

    bool optionalBool(const char* key, bool fallback) const
    {
        if (!has(key))
            return fallback;
        if (!m_root.at(key).is_boolean())
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be true or false", m_path,
                 "found " + m_root.at(key).dump());
        return m_root.at(key).get<bool>();
    }

    std::string optionalString(const char* key, const std::string& fallback) const
    {
        if (!has(key))
            return fallback;
        if (!m_root.at(key).is_string())
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be a string", m_path,
                 "found " + m_root.at(key).dump());
        return m_root.at(key).get<std::string>();
    }

    // bad_words_ids: a list of token-id lists.
    std::vector<std::vector<int64_t>> optionalIdLists(const char* key) const
    {
        std::vector<std::vector<int64_t>> out;
        if (!has(key))
            return out;
        const json& v = m_root.at(key);
        const auto bad = [&] {
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be a list of id lists",
                 m_path, "found " + v.dump().substr(0, 80));
        };
        if (!v.is_array())
            bad();
        for (const auto& row : v) {
            if (!row.is_array())
                bad();
            std::vector<int64_t> ids;
            for (const auto& id : row) {
                if (!id.is_number_integer())
                    bad();
                ids.push_back(id.get<int64_t>());
            }
            out.push_back(std::move(ids));
        }
        return out;
    }

    const json* optionalObject(const char* key) const
    {
        if (!has(key))
            return nullptr;
        if (!m_root.at(key).is_object())
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be a JSON object", m_path);
        return &m_root.at(key);
    }

private:
    int64_t intValue(const char* key) const
    {
        const json& v = m_root.at(key);
        if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT32_MAX)) ||
            (!v.is_number_unsigned() && (v.get<int64_t>() < INT32_MIN || v.get<int64_t>() > INT32_MAX)))
            fail(ErrorCode::InvalidFile, std::string("config field \"") + key + "\" must be an integer", m_path,
                 "found " + v.dump());
        return v.get<int64_t>();
    }

    const json& m_root;
    const std::string& m_path;
};

FfnActivation parseActivation(const std::string& name, const std::string& path)
{
    if (name == "swish" || name == "silu")
        return FfnActivation::Swish;
    if (name == "gelu")
        return FfnActivation::GeluErf;
    if (name == "gelu_new" || name == "gelu_pytorch_tanh")
        return FfnActivation::GeluTanh;
    if (name == "relu")
        return FfnActivation::Relu;
    fail(ErrorCode::Unsupported, "unsupported activation_function '" + name + "'", path,
         "supported: swish, silu, gelu, gelu_new, gelu_pytorch_tanh, relu");
}

void readGeneration(const Fields& f, GenerationSettings& g)
{
    g.decoderStartTokenId = f.optionalInt("decoder_start_token_id", g.decoderStartTokenId);
    g.eosTokenId = f.optionalInt("eos_token_id", g.eosTokenId);
    g.padTokenId = f.optionalInt("pad_token_id", g.padTokenId);
    g.forcedEosTokenId = f.optionalInt("forced_eos_token_id", g.forcedEosTokenId);
    g.maxLength = int(f.optionalInt("max_length", g.maxLength));
    g.numBeams = int(f.optionalInt("num_beams", g.numBeams));
    g.lengthPenalty = f.optionalDouble("length_penalty", g.lengthPenalty);
    if (f.has("bad_words_ids"))
        g.badWordsIds = f.optionalIdLists("bad_words_ids");
}

void readPruned(const Fields& f, Seq2SeqConfig& c, const std::string& path)
{
    const json* all = f.optionalObject("headscope_pruned_heads");
    for (AttentionType type : {AttentionType::EncoderSelf, AttentionType::EncoderDecoder, AttentionType::DecoderSelf})
        c.prunedHeads(type).assign(size_t(c.nLayers(type)), {});
    if (!all)
        return;
    for (const auto& [typeName, layers] : all->items()) {
        AttentionType type;
        if (!parseAttentionType(typeName, type) || !layers.is_object())
            fail(ErrorCode::InvalidFile, "config field \"headscope_pruned_heads\" is malformed", path,
                 "key '" + typeName + "'");
        for (const auto& [key, heads] : layers.items()) {
            int layer = -1;
            try {
                layer = std::stoi(key);
            } catch (...) {
            }
            if (layer < 0 || layer >= c.nLayers(type) || !heads.is_array())
                fail(ErrorCode::InvalidFile, "config field \"headscope_pruned_heads\" names a layer that does not exist",
                     path, typeName + " layer '" + key + "'");
            auto& list = c.prunedHeads(type)[size_t(layer)];
            for (const auto& h : heads) {
                if (!h.is_number_integer() || h.get<int64_t>() < 0 || h.get<int64_t>() >= c.nHeads(type))
                    fail(ErrorCode::InvalidFile, "config field \"headscope_pruned_heads\" names a head that does not exist",
                         path, typeName + " layer " + key + " head " + h.dump());
                list.push_back(int(h.get<int64_t>()));
            }
            std::sort(list.begin(), list.end());
            list.erase(std::unique(list.begin(), list.end()), list.end());
        }
    }
}

void positive(int64_t value, const char* field, const std::string& path)
{
    if (value <= 0)
        fail(ErrorCode::InvalidFile, std::string("config field \"") + field + "\" must be positive", path,
             "found " + std::to_string(value));
}

void validate(const Seq2SeqConfig& c, const std::string& path)
{
    positive(c.dModel, "d_model", path);
    positive(c.encoderLayers, "encoder_layers", path);
    positive(c.decoderLayers, "decoder_layers", path);
    positive(c.encoderHeads, "encoder_attention_heads", path);
    positive(c.decoderHeads, "decoder_attention_heads", path);
    positive(c.encoderFfnDim, "encoder_ffn_dim", path);
    positive(c.decoderFfnDim, "decoder_ffn_dim", path);
    positive(c.vocabSize, "vocab_size", path);
    positive(c.maxPositionEmbeddings, "max_position_embeddings", path);
    if (c.dModel % c.encoderHeads != 0 || c.dModel % c.decoderHeads != 0 || c.encoderHeads != c.decoderHeads)
        fail(ErrorCode::Unsupported, "d_model must be a multiple of the head counts, which must be equal", path,
             "d_model " + std::to_string(c.dModel) + ", encoder heads " + std::to_string(c.encoderHeads) +
                 ", decoder heads " + std::to_string(c.decoderHeads));
    if (c.dModel % 2 != 0)
        fail(ErrorCode::InvalidFile, "d_model must be even for sinusoidal positions", path);
    const auto& g = c.generation;
    const auto inVocab = [&](int64_t id, const char* field) {
        if (id < 0 || id >= c.decoderVocabSize)
            fail(ErrorCode::InvalidFile, std::string("\"") + field + "\" lies outside the vocabulary", path,
                 "found " + std::to_string(id) + ", vocab_size " + std::to_string(c.decoderVocabSize));
    };
    inVocab(g.decoderStartTokenId, "decoder_start_token_id");
    inVocab(g.eosTokenId, "eos_token_id");
    inVocab(g.padTokenId, "pad_token_id");
    if (g.forcedEosTokenId >= 0)
        inVocab(g.forcedEosTokenId, "forced_eos_token_id");
    positive(g.maxLength, "max_length", path);
    positive(g.numBeams, "num_beams", path);
}

} // namespace

const char* ffnActivationName(FfnActivation activation)
{
    switch (activation) {
    case FfnActivation::Swish: return "swish";
    case FfnActivation::GeluErf: return "gelu";
    case FfnActivation::GeluTanh: return "gelu_new";
    case FfnActivation::Relu: return "relu";
    }
    return "swish";
}

int Seq2SeqConfig::headDim() const { return encoderHeads > 0 ? dModel / encoderHeads : 0; }

int Seq2SeqConfig::nLayers(AttentionType type) const
{
    return type == AttentionType::EncoderSelf ? encoderLayers : decoderLayers;
}

int Seq2SeqConfig::nHeads(AttentionType type) const
{
    return type == AttentionType::EncoderSelf ? encoderHeads : decoderHeads;
}

const std::vector<std::vector<int>>& Seq2SeqConfig::prunedHeads(AttentionType type) const
{
    switch (type) {
    case AttentionType::EncoderSelf: return prunedEncoderSelf;
    case AttentionType::EncoderDecoder: return prunedEncoderDecoder;
    case AttentionType::DecoderSelf: return prunedDecoderSelf;
    }
    return prunedEncoderSelf;
}

std::vector<std::vector<int>>& Seq2SeqConfig::prunedHeads(AttentionType type)
{
    return const_cast<std::vector<std::vector<int>>&>(static_cast<const Seq2SeqConfig*>(this)->prunedHeads(type));
}

bool isSeq2SeqModelType(const std::string& modelType) { return modelType == kSupported; }

Result<std::string> readModelType(const std::string& dir)
{
    return captureResult([&]() -> std::string {
        const auto path = (fs::path(dir) / "config.json").string();
        if (!fs::exists(path))
            fail(ErrorCode::FileNotFound, "no config.json in the model folder", dir);
        const json root = parseObject(readText(path), path, "config.json");
        const auto it = root.find("model_type");
        if (it == root.end() || !it->is_string())
            fail(ErrorCode::InvalidFile, "config.json has no \"model_type\" string", path);
        return it->get<std::string>();
    });
}

Result<Seq2SeqConfig> parseSeq2SeqConfig(const std::string& configJson, const std::string& path,
                                         const std::string& generationJson, const std::string& generationPath)
{
    return captureResult([&]() -> Seq2SeqConfig {
        const json root = parseObject(configJson, path, "config.json");
        const auto typeIt = root.find("model_type");
        if (typeIt == root.end() || !typeIt->is_string())
            fail(ErrorCode::InvalidFile, "config.json has no \"model_type\" string", path,
                 std::string("supported translation models: ") + kSupported);
        Seq2SeqConfig c;
        c.modelType = typeIt->get<std::string>();
        if (c.modelType != kSupported) {
            const bool known = std::find_if(std::begin(kKnownSeq2Seq), std::end(kKnownSeq2Seq), [&](const char* t) {
                                   return c.modelType == t;
                               }) != std::end(kKnownSeq2Seq);
            fail(ErrorCode::Unsupported,
                 std::string(known ? "the encoder-decoder type '" : "unsupported model_type '") + c.modelType +
                     (known ? "' is not supported" : "'") + "; supported translation models: " + kSupported +
                     " (classifiers: bert, distilbert)",
                 path);
        }
        const Fields f(root, path);
        c.dModel = int(f.requireInt("d_model"));
        c.encoderLayers = int(f.requireInt("encoder_layers"));
        c.decoderLayers = int(f.requireInt("decoder_layers"));
        c.encoderHeads = int(f.requireInt("encoder_attention_heads"));
        c.decoderHeads = int(f.requireInt("decoder_attention_heads"));
        c.encoderFfnDim = int(f.requireInt("encoder_ffn_dim"));
        c.decoderFfnDim = int(f.requireInt("decoder_ffn_dim"));
        c.vocabSize = int(f.requireInt("vocab_size"));
        c.decoderVocabSize = int(f.optionalInt("decoder_vocab_size", c.vocabSize));
        c.maxPositionEmbeddings = int(f.requireInt("max_position_embeddings"));
        c.activation = parseActivation(f.optionalString("activation_function", "gelu"), path);
        c.scaleEmbedding = f.optionalBool("scale_embedding", false);
        c.shareEncoderDecoderEmbeddings = f.optionalBool("share_encoder_decoder_embeddings", true);
        if (f.optionalBool("normalize_before", false) || f.optionalBool("add_final_layer_norm", false) ||
            f.optionalBool("normalize_embedding", false))
            fail(ErrorCode::Unsupported, "pre-norm Marian variants are not supported", path,
                 "normalize_before, add_final_layer_norm and normalize_embedding must be false");
        if (!f.optionalBool("static_position_embeddings", true))
            fail(ErrorCode::Unsupported, "learned position embeddings are not supported for Marian", path,
                 "static_position_embeddings must be true");
        if (!f.has("pad_token_id"))
            fail(ErrorCode::InvalidFile, "config.json lacks the field \"pad_token_id\"", path, "model_type 'marian'");
        if (!f.has("eos_token_id"))
            fail(ErrorCode::InvalidFile, "config.json lacks the field \"eos_token_id\"", path, "model_type 'marian'");
        auto& g = c.generation;
        g.padTokenId = f.requireInt("pad_token_id");
        g.decoderStartTokenId = g.padTokenId; // Marian starts decoding from the pad id
        readGeneration(f, g);
        if (!generationJson.empty()) {
            const json gen = parseObject(generationJson, generationPath, "generation_config.json");
            readGeneration(Fields(gen, generationPath), g);
        }
        validate(c, path);
        readPruned(f, c, path);
        c.sourceJson = configJson;
        return c;
    });
}

Result<Seq2SeqConfig> loadSeq2SeqConfig(const std::string& dir)
{
    return captureResult([&]() -> Seq2SeqConfig {
        if (!fs::is_directory(dir))
            fail(ErrorCode::FileNotFound, "model folder not found", dir);
        const auto path = (fs::path(dir) / "config.json").string();
        if (!fs::exists(path))
            fail(ErrorCode::FileNotFound, "no config.json in the model folder", dir);
        const auto genPath = (fs::path(dir) / "generation_config.json").string();
        const std::string gen = fs::exists(genPath) ? readText(genPath) : std::string();
        auto parsed = parseSeq2SeqConfig(readText(path), path, gen, genPath);
        if (!parsed)
            throw ErrorException(parsed.error());
        return std::move(parsed).value();
    });
}

std::string seq2SeqConfigToJson(const Seq2SeqConfig& c)
{
    json root = json::object();
    if (!c.sourceJson.empty()) {
        try {
            root = json::parse(c.sourceJson);
        } catch (const json::exception&) {
        }
    }
    root["model_type"] = c.modelType;
    root["d_model"] = c.dModel;
    root["encoder_layers"] = c.encoderLayers;
    root["decoder_layers"] = c.decoderLayers;
    root["encoder_attention_heads"] = c.encoderHeads;
    root["decoder_attention_heads"] = c.decoderHeads;
    root["encoder_ffn_dim"] = c.encoderFfnDim;
    root["decoder_ffn_dim"] = c.decoderFfnDim;
    root["vocab_size"] = c.vocabSize;
    root["decoder_vocab_size"] = c.decoderVocabSize;
    root["max_position_embeddings"] = c.maxPositionEmbeddings;
    root["activation_function"] = ffnActivationName(c.activation);
    root["scale_embedding"] = c.scaleEmbedding;
    const auto& g = c.generation;
    root["pad_token_id"] = g.padTokenId;
    root["eos_token_id"] = g.eosTokenId;
    root["decoder_start_token_id"] = g.decoderStartTokenId;
    if (g.forcedEosTokenId >= 0)
        root["forced_eos_token_id"] = g.forcedEosTokenId;
    root["max_length"] = g.maxLength;
    root["num_beams"] = g.numBeams;
    root["bad_words_ids"] = g.badWordsIds;
    json pruned = json::object();
    for (AttentionType type : {AttentionType::EncoderSelf, AttentionType::EncoderDecoder, AttentionType::DecoderSelf}) {
        json layers = json::object();
        const auto& p = c.prunedHeads(type);
        for (size_t l = 0; l < p.size(); ++l)
            if (!p[l].empty())
                layers[std::to_string(l)] = p[l];
        if (!layers.empty())
            pruned[attentionTypeName(type)] = layers;
    }
    root.erase("headscope_pruned_heads");
    if (!pruned.empty())
        root["headscope_pruned_heads"] = pruned;
    return root.dump(2) + "\n";
}

} // namespace headscope::core
