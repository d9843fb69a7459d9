#include "text/marian_tokenizer.h"

#include "text/sentencepiece_model.h"
#include "util/json_error_text.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <unordered_map>

namespace headscope::core {

namespace fs = std::filesystem;

struct MarianTokenizer::State
{
    SentencePieceModel source, target;
    std::unordered_map<std::string, int64_t> pieceToId;
    std::vector<std::string> idToPiece; // "" for ids vocab.json does not use
    std::string vocabPath;
    int64_t eos = 0, pad = 0, unk = 0;
};

namespace {

const std::string kEmpty;

void loadSpm(SentencePieceModel& sp, const fs::path& path)
{
    if (!fs::exists(path))
        fail(ErrorCode::FileNotFound, "the SentencePiece model is missing from the model folder", path.string(),
             "Marian folders need source.spm and target.spm");
    auto loaded = SentencePieceModel::load(path.string());
    if (!loaded)
        throw ErrorException(loaded.error());
    sp = std::move(loaded).value();
}

void readVocab(MarianTokenizer::State& s, const fs::path& path, int vocabSize)
{
    if (!fs::exists(path))
        fail(ErrorCode::FileNotFound, "vocab.json is missing from the model folder", path.string());
    std::ifstream in(path);
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
        fail(ErrorCode::InvalidFile, "vocab.json is not valid JSON", path.string(), jsonErrorText(e));
    }
    if (!root.is_object() || root.empty())
        fail(ErrorCode::InvalidFile, "vocab.json must map pieces to ids", path.string());
    s.idToPiece.assign(size_t(vocabSize), std::string());
    for (const auto& [piece, value] : root.items()) {
        if (!value.is_number_integer() || value.get<int64_t>() < 0 || value.get<int64_t>() >= vocabSize)
            fail(ErrorCode::InvalidFile, "vocab.json has an id outside the model's vocabulary", path.string(),
                 "piece '" + piece + "' -> " + value.dump() + ", vocab_size " + std::to_string(vocabSize));
        const int64_t id = value.get<int64_t>();
        s.pieceToId[piece] = id;
        if (s.idToPiece[size_t(id)].empty())
            s.idToPiece[size_t(id)] = piece;
    }
}

int64_t requireSpecial(const MarianTokenizer::State& s, const char* piece, int64_t expected, const char* field)
{
    const auto it = s.pieceToId.find(piece);
    if (it == s.pieceToId.end())
        fail(ErrorCode::InvalidFile, std::string("vocab.json has no ") + piece + " entry", s.vocabPath);
    if (expected >= 0 && it->second != expected)
        fail(ErrorCode::InvalidFile, std::string("vocab.json and config.json disagree on the id of ") + piece,
             s.vocabPath,
             "vocab.json " + std::to_string(it->second) + ", config.json " + field + " " + std::to_string(expected));
    return it->second;
}

// A vocab.json made for another SentencePiece model shares few of its pieces; HF would
// silently map them all to <unk>, so it is refused here.
void checkCoverage(const MarianTokenizer::State& s, const SentencePieceModel& sp, const fs::path& spmPath)
{
    int total = 0, found = 0;
    for (int i = 0; i < sp.pieceCount(); ++i) {
        if (sp.kind(i) != SentencePieceModel::PieceKind::Normal)
            continue;
        ++total;
        found += s.pieceToId.count(sp.piece(i)) ? 1 : 0;
    }
    if (total > 0 && found * 2 < total)
        fail(ErrorCode::InvalidFile, "vocab.json does not belong to this SentencePiece model", spmPath.string(),
             std::to_string(total - found) + " of its " + std::to_string(total) + " pieces are missing from " +
                 s.vocabPath);
    if (found < total)
        spdlog::warn("{}: {} of {} pieces are not in vocab.json (they map to <unk>)", spmPath.string(),
                     total - found, total);
}

std::vector<std::string> piecesOf(const SentencePieceModel& sp, const std::string& text, bool languageCode)
{
    std::vector<std::string> out;
    std::string rest = text;
    // MarianTokenizer keeps a leading ">>code<<" (multilingual targets) as one token.
    if (languageCode && rest.rfind(">>", 0) == 0) {
        const auto end = rest.find('\n');
        const auto close = rest.rfind("<<", end);
        if (close != std::string::npos && close > 2) {
            out.push_back(rest.substr(0, close + 2));
            rest = rest.substr(close + 2);
        }
    }
    auto pieces = sp.encode(rest);
    if (!pieces)
        throw ErrorException(pieces.error());
    out.insert(out.end(), pieces->begin(), pieces->end());
    return out;
}

} // namespace

MarianTokenizer::MarianTokenizer() = default;
MarianTokenizer::~MarianTokenizer() = default;
MarianTokenizer::MarianTokenizer(const MarianTokenizer&) = default;
MarianTokenizer& MarianTokenizer::operator=(const MarianTokenizer&) = default;
MarianTokenizer::MarianTokenizer(MarianTokenizer&&) noexcept = default;
MarianTokenizer& MarianTokenizer::operator=(MarianTokenizer&&) noexcept = default;

Result<MarianTokenizer> MarianTokenizer::fromModelDir(const std::string& dir, const Seq2SeqConfig& config)
{
    return captureResult([&]() -> MarianTokenizer {
        auto s = std::make_shared<State>();
        const fs::path base(dir);
        const fs::path vocab = base / "vocab.json";
        s->vocabPath = vocab.string();
        // Separate source/target vocabularies (target_vocab.json) are not read yet.
        if (fs::exists(base / "target_vocab.json"))
            fail(ErrorCode::Unsupported, "separate source and target vocabularies are not supported",
                 (base / "target_vocab.json").string());
        readVocab(*s, vocab, std::max(config.vocabSize, config.decoderVocabSize));
        loadSpm(s->source, base / "source.spm");
        loadSpm(s->target, base / "target.spm");
        s->eos = requireSpecial(*s, "</s>", config.generation.eosTokenId, "eos_token_id");
        s->pad = requireSpecial(*s, "<pad>", config.generation.padTokenId, "pad_token_id");
        s->unk = requireSpecial(*s, "<unk>", -1, "");
        checkCoverage(*s, s->source, base / "source.spm");
        checkCoverage(*s, s->target, base / "target.spm");
        MarianTokenizer tok;
        tok.m_state = std::move(s);
        return tok;
    });
}

std::vector<std::string> MarianTokenizer::sourcePieces(const std::string& text) const
{
    return piecesOf(m_state->source, text, true);
}

std::vector<std::string> MarianTokenizer::targetPieces(const std::string& text) const
{
    return piecesOf(m_state->target, text, false);
}

std::vector<int64_t> MarianTokenizer::encodeSource(const std::string& text) const
{
    std::vector<int64_t> ids;
    for (const auto& p : sourcePieces(text))
        ids.push_back(tokenToId(p));
    ids.push_back(m_state->eos);
    return ids;
}

std::vector<int64_t> MarianTokenizer::encodeTarget(const std::string& text) const
{
    std::vector<int64_t> ids;
    for (const auto& p : targetPieces(text))
        ids.push_back(tokenToId(p));
    ids.push_back(m_state->eos);
    return ids;
}

std::string MarianTokenizer::decodeTarget(const std::vector<int64_t>& ids) const
{
    std::vector<std::string> pieces;
    for (int64_t id : ids) {
        if (id == m_state->eos || id == m_state->pad || id == m_state->unk)
            continue;
        const std::string& p = idToToken(id);
        if (!p.empty())
            pieces.push_back(p);
    }
    auto decoded = m_state->target.decode(pieces);
    if (!decoded)
        return {};
    // As MarianTokenizer.convert_tokens_to_string: stray "▁" become spaces, then strip().
    std::string text = decoded.value();
    const std::string underline = "\xe2\x96\x81";
    for (size_t at = text.find(underline); at != std::string::npos; at = text.find(underline, at + 1))
        text.replace(at, underline.size(), " ");
    const char* space = " \t\n\r\f\v";
    const auto first = text.find_first_not_of(space);
    if (first == std::string::npos)
        return {};
    return text.substr(first, text.find_last_not_of(space) - first + 1);
}

int64_t MarianTokenizer::tokenToId(const std::string& piece) const
{
    const auto it = m_state->pieceToId.find(piece);
    return it == m_state->pieceToId.end() ? m_state->unk : it->second;
}

const std::string& MarianTokenizer::idToToken(int64_t id) const
{
    if (id < 0 || id >= int64_t(m_state->idToPiece.size()))
        return kEmpty;
    return m_state->idToPiece[size_t(id)];
}

size_t MarianTokenizer::vocabSize() const { return m_state->pieceToId.size(); }
int64_t MarianTokenizer::eosId() const { return m_state->eos; }
int64_t MarianTokenizer::padId() const { return m_state->pad; }
int64_t MarianTokenizer::unkId() const { return m_state->unk; }
const std::string& MarianTokenizer::vocabPath() const { return m_state->vocabPath; }

} // namespace headscope::core
