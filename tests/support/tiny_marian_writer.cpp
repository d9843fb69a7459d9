#include "tiny_marian_writer.h"

#include "tiny_random.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace headscope::testing {

using core::ErrorCode;
using core::fail;
using nlohmann::json;

namespace {

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out)
        fail(ErrorCode::Runtime, "cannot write a tiny Marian file", path);
}

RefTensor randomTensor(TinyRandom& rng, std::vector<int64_t> shape, double scale, double offset = 0.0)
{
    RefTensor t;
    t.shape = std::move(shape);
    t.values.resize(size_t(t.numel()));
    for (auto& v : t.values)
        v = double(float(offset + scale * rng.symmetric()));
    return t;
}

// Protocol-buffer wire format, enough for SentencePiece's ModelProto.
void varint(std::string& out, uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
}
void fieldVarint(std::string& out, int field, uint64_t v)
{
    varint(out, uint64_t(field) << 3);
    varint(out, v);
}
void fieldBytes(std::string& out, int field, const std::string& bytes)
{
    varint(out, (uint64_t(field) << 3) | 2);
    varint(out, bytes.size());
    out += bytes;
}
void fieldFloat(std::string& out, int field, float v)
{
    varint(out, (uint64_t(field) << 3) | 5);
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    for (int i = 0; i < 4; ++i)
        out.push_back(char((bits >> (8 * i)) & 0xff));
}

std::string pieceMessage(const std::string& piece, float score, int type)
{
    std::string m;
    fieldBytes(m, 1, piece);
    fieldFloat(m, 2, score);
    fieldVarint(m, 3, uint64_t(type));
    return m;
}

} // namespace

const RefTensor& TinyMarianModel::get(const std::string& name) const
{
    const auto it = tensors.find(name);
    if (it == tensors.end())
        fail(ErrorCode::InvalidArgument, "tensor missing from the tiny Marian model", {}, name);
    return it->second;
}

const std::vector<std::string>& tinyMarianPieces()
{
    static const std::vector<std::string> pieces = [] {
        std::vector<std::string> p = {"\xe2\x96\x81", ".", ","};
        for (char c = 'a'; c <= 'z'; ++c)
            p.push_back(std::string(1, c));
        for (const char* w : {"the", "cat", "dog", "sat", "on", "mat", "a", "big", "red", "ran"})
            p.push_back("\xe2\x96\x81" + std::string(w));
        for (const char* w : {"at", "og", "ed", "an"})
            p.push_back(w);
        return p;
    }();
    return pieces;
}

void writeTinySentencePiece(const std::string& path, const std::vector<std::string>& pieces)
{
    std::string model;
    // Type: 1 normal, 2 unknown, 3 control.
    fieldBytes(model, 1, pieceMessage("<unk>", 0.0f, 2));
    fieldBytes(model, 1, pieceMessage("<s>", 0.0f, 3));
    fieldBytes(model, 1, pieceMessage("</s>", 0.0f, 3));
    for (size_t i = 0; i < pieces.size(); ++i) {
        // Fewer, longer pieces win; the small index term makes ties impossible.
        fieldBytes(model, 1, pieceMessage(pieces[i], -5.0f - 0.001f * float(i), 1));
    }
    std::string trainer;
    fieldVarint(trainer, 3, 1); // UNIGRAM
    fieldVarint(trainer, 4, pieces.size() + 3);
    fieldBytes(model, 2, trainer);
    std::string normalizer;
    fieldBytes(normalizer, 1, "identity");
    fieldVarint(normalizer, 3, 1); // add_dummy_prefix
    fieldVarint(normalizer, 4, 1); // remove_extra_whitespaces
    fieldVarint(normalizer, 5, 1); // escape_whitespaces
    fieldBytes(model, 3, normalizer);
    writeText(path, model);
}

TinyMarianModel makeTinyMarian(const TinyMarianSpec& spec)
{
    TinyMarianModel m;
    m.spec = spec;
    m.pieces = {"</s>", "<unk>"};
    for (const auto& p : tinyMarianPieces())
        m.pieces.push_back(p);
    m.pieces.push_back("<pad>");
    m.padId = int64_t(m.pieces.size()) - 1;
    const int64_t v = m.vocabSize(), dm = spec.dModel, f = spec.ffn;
    const double s = spec.weightScale;
    TinyRandom rng(spec.seed);
    m.tensors["model.shared.weight"] = randomTensor(rng, {v, dm}, 1.0);
    m.tensors["final_logits_bias"] = randomTensor(rng, {1, v}, 0.5);
    auto& eosBias = m.tensors["final_logits_bias"].values[size_t(m.eosId)];
    eosBias = double(float(eosBias + spec.eosBias));
    if (spec.storePositions) {
        RefTensor pos;
        pos.shape = {spec.maxPositions, dm};
        pos.values.resize(size_t(pos.numel()));
        const int64_t half = dm / 2;
        for (int64_t p = 0; p < spec.maxPositions; ++p)
            for (int64_t j = 0; j < half; ++j) {
                const double angle = double(p) / std::pow(10000.0, double(2 * j) / double(dm));
                pos.values[size_t(p * dm + j)] = double(float(std::sin(angle)));
                pos.values[size_t(p * dm + half + j)] = double(float(std::cos(angle)));
            }
        m.tensors["model.encoder.embed_positions.weight"] = pos;
        m.tensors["model.decoder.embed_positions.weight"] = pos;
    }
    auto attention = [&](const std::string& p, const std::string& norm) {
        for (const char* proj : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            m.tensors[p + proj + ".weight"] = randomTensor(rng, {dm, dm}, s);
            m.tensors[p + proj + ".bias"] = randomTensor(rng, {dm}, 0.1);
        }
        m.tensors[norm + ".weight"] = randomTensor(rng, {dm}, 0.2, 1.0);
        m.tensors[norm + ".bias"] = randomTensor(rng, {dm}, 0.1);
    };
    for (int decoder = 0; decoder < 2; ++decoder) {
        const int n = decoder ? spec.decoderLayers : spec.encoderLayers;
        for (int l = 0; l < n; ++l) {
            const std::string p = std::string(decoder ? "model.decoder" : "model.encoder") + ".layers." +
                                  std::to_string(l) + ".";
            attention(p + "self_attn.", p + "self_attn_layer_norm");
            if (decoder)
                attention(p + "encoder_attn.", p + "encoder_attn_layer_norm");
            m.tensors[p + "fc1.weight"] = randomTensor(rng, {f, dm}, s);
            m.tensors[p + "fc1.bias"] = randomTensor(rng, {f}, 0.1);
            m.tensors[p + "fc2.weight"] = randomTensor(rng, {dm, f}, s);
            m.tensors[p + "fc2.bias"] = randomTensor(rng, {dm}, 0.1);
            m.tensors[p + "final_layer_norm.weight"] = randomTensor(rng, {dm}, 0.2, 1.0);
            m.tensors[p + "final_layer_norm.bias"] = randomTensor(rng, {dm}, 0.1);
        }
    }
    return m;
}

std::string tinyMarianConfigJson(const TinyMarianModel& m)
{
    const auto& s = m.spec;
    json c = {{"model_type", "marian"},
              {"architectures", {"MarianMTModel"}},
              {"d_model", s.dModel},
              {"encoder_layers", s.encoderLayers},
              {"decoder_layers", s.decoderLayers},
              {"encoder_attention_heads", s.nHeads},
              {"decoder_attention_heads", s.nHeads},
              {"encoder_ffn_dim", s.ffn},
              {"decoder_ffn_dim", s.ffn},
              {"activation_function", s.activation},
              {"scale_embedding", s.scaleEmbedding},
              {"static_position_embeddings", true},
              {"max_position_embeddings", s.maxPositions},
              {"vocab_size", m.vocabSize()},
              {"decoder_vocab_size", m.vocabSize()},
              {"pad_token_id", m.padId},
              {"eos_token_id", m.eosId},
              {"forced_eos_token_id", m.eosId},
              {"decoder_start_token_id", m.padId},
              {"bad_words_ids", {{m.padId}}},
              {"max_length", s.maxLength},
              {"num_beams", s.numBeams},
              {"share_encoder_decoder_embeddings", true},
              {"normalize_before", false}};
    return c.dump(2) + "\n";
}

void writeTinyMarianDir(const std::string& dir, const TinyMarianModel& m)
{
    std::filesystem::create_directories(dir);
    writeText(dir + "/config.json", tinyMarianConfigJson(m));
    json gen = {{"decoder_start_token_id", m.padId}, {"eos_token_id", m.eosId},     {"pad_token_id", m.padId},
                {"forced_eos_token_id", m.eosId},    {"bad_words_ids", {{m.padId}}}, {"max_length", m.spec.maxLength},
                {"num_beams", m.spec.numBeams}};
    writeText(dir + "/generation_config.json", gen.dump(2) + "\n");
    writeMiniSafetensors(dir + "/model.safetensors", m.tensors);
    json vocab = json::object();
    for (size_t i = 0; i < m.pieces.size(); ++i)
        vocab[m.pieces[i]] = i;
    writeText(dir + "/vocab.json", vocab.dump(2) + "\n");
    writeTinySentencePiece(dir + "/source.spm", tinyMarianPieces());
    writeTinySentencePiece(dir + "/target.spm", tinyMarianPieces());
}

TinyMarianModel writeTinyMarian(const std::string& dir, const TinyMarianSpec& spec)
{
    auto m = makeTinyMarian(spec);
    writeTinyMarianDir(dir, m);
    return m;
}

std::vector<int64_t> randomTinyMarianIds(TinyRandom& rng, const TinyMarianModel& model, int length)
{
    std::vector<int64_t> ids;
    for (int i = 0; i < length; ++i)
        ids.push_back(2 + int64_t(rng.below(uint64_t(model.vocabSize() - 3))));
    ids.push_back(model.eosId);
    return ids;
}

} // namespace headscope::testing
