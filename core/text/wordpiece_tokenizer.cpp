#include "text/wordpiece_tokenizer.h"

#include "text/unicode_text.h"
#include "util/json_error_text.h"
#include "util/json_nesting.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

namespace headscope::core {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// model_max_length values above this are transformers' "no limit" sentinel (1e30).
constexpr double kMaxSaneModelLength = 1e6;
constexpr int kDefaultModelMaxLength = 512;

std::string readTextFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(ErrorCode::FileNotFound, "cannot open file", path);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) fail(ErrorCode::InvalidFile, "read error", path);
    std::string text = ss.str();
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    return text;
}

json parseJsonFile(const std::string& path)
{
    const std::string text = readTextFile(path);
    checkJsonNesting(text, path, "the file");
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        fail(ErrorCode::InvalidFile, "invalid JSON", path, jsonErrorText(e));
    }
}

// tokenizer_config.json keys that change tokenisation; absent keys leave the options alone.
void applyTokenizerConfig(const std::string& path, TokenizerOptions& options)
{
    const json cfg = parseJsonFile(path);
    if (!cfg.is_object()) fail(ErrorCode::InvalidFile, "tokenizer config is not a JSON object", path);
    try {
        if (cfg.contains("do_lower_case") && cfg["do_lower_case"].is_boolean())
            options.doLowerCase = cfg["do_lower_case"].get<bool>();
        if (cfg.contains("strip_accents")) {
            if (cfg["strip_accents"].is_boolean())
                options.stripAccents = cfg["strip_accents"].get<bool>();
            else if (cfg["strip_accents"].is_null())
                options.stripAccents.reset();
        }
        if (cfg.contains("tokenize_chinese_chars") && cfg["tokenize_chinese_chars"].is_boolean())
            options.tokenizeChineseChars = cfg["tokenize_chinese_chars"].get<bool>();
        for (const char* key : {"model_max_length", "max_len"}) {
            if (cfg.contains(key) && cfg[key].is_number()) {
                const double v = cfg[key].get<double>();
                options.modelMaxLength = v > kMaxSaneModelLength || v < 1 ? kDefaultModelMaxLength : int(v);
                break;
            }
        }
    } catch (const json::exception& e) {
        fail(ErrorCode::InvalidFile, "invalid tokenizer config", path, jsonErrorText(e));
    }
}

size_t countCodePoints(const std::string& s)
{
    return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// What a tokenizers-library normalizer does, in TokenizerOptions terms.
struct NormalizerSettings
{
    bool lowercase = false;
    std::optional<bool> stripAccents = false;
    bool chineseChars = false;
    bool cleanText = false;
    bool nfc = false;
};

NormalizerSettings readNormalizer(const json& normalizer)
{
    NormalizerSettings s; // no normalizer: the text reaches the pre-tokenizer untouched
    std::vector<json> parts;
    if (normalizer.is_object() && normalizer.value("type", "") == "Sequence")
        parts = normalizer.value("normalizers", std::vector<json>());
    else if (normalizer.is_object())
        parts.push_back(normalizer);
    for (const json& n : parts) {
        const std::string type = n.value("type", "");
        if (type == "BertNormalizer") {
            s.lowercase = n.value("lowercase", true);
            s.cleanText = n.value("clean_text", true);
            s.chineseChars = n.value("handle_chinese_chars", true);
            s.stripAccents.reset(); // null: follows lowercase
            if (n.contains("strip_accents") && n["strip_accents"].is_boolean())
                s.stripAccents = n["strip_accents"].get<bool>();
        } else if (type == "Lowercase") {
            s.lowercase = true;
        } else if (type == "StripAccents") {
            s.stripAccents = true;
        } else if (type == "NFC") {
            s.nfc = true;
        }
    }
    return s;
}

} // namespace

Result<WordPieceTokenizer> WordPieceTokenizer::fromVocabTxt(const std::string& path, TokenizerOptions options)
{
    return captureResult([&] {
        const std::string text = readTextFile(path);
        WordPieceTokenizer tok;
        tok.m_options = options;
        std::vector<std::string> lines;
        size_t pos = 0;
        while (pos < text.size()) {
            size_t nl = text.find('\n', pos);
            if (nl == std::string::npos) nl = text.size();
            std::string line = text.substr(pos, nl - pos);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            lines.push_back(std::move(line));
            pos = nl + 1;
        }
        // Trailing blank lines are an editor artefact, not tokens; blank lines inside keep their id.
        while (!lines.empty() && lines.back().empty())
            lines.pop_back();
        for (size_t i = 0; i < lines.size(); ++i)
            tok.addToken(lines[i], static_cast<int64_t>(i));
        tok.m_specialTokens = {"[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"};
        tok.finishVocab(path);
        return tok;
    });
}

Result<WordPieceTokenizer> WordPieceTokenizer::fromTokenizerJson(const std::string& path)
{
    return captureResult([&] {
        const json doc = parseJsonFile(path);
        WordPieceTokenizer tok;
        try {
            if (!doc.is_object() || !doc.contains("model") || !doc["model"].is_object())
                fail(ErrorCode::InvalidFile, "tokenizer.json has no \"model\" object", path);
            const json& model = doc["model"];
            std::string type = model.value("type", std::string());
            if (type.empty() && model.contains("continuing_subword_prefix") && model.contains("vocab"))
                type = "WordPiece"; // older files omit the tag
            if (type != "WordPiece")
                fail(ErrorCode::Unsupported,
                     "tokenizer model type '" + (type.empty() ? std::string("unknown") : type) +
                         "' is not supported (only WordPiece)",
                     path);
            if (!model.contains("vocab") || !model["vocab"].is_object())
                fail(ErrorCode::InvalidFile, "tokenizer.json model has no vocab object", path);
            // Ids index the embedding rows, so they are dense: one beyond every entry there is
            // is corrupt (and would size the id table from a number in the file).
            const json addedTokens = doc.value("added_tokens", json::array());
            const int64_t nEntries = int64_t(model["vocab"].size()) + int64_t(addedTokens.size());
            auto checkId = [&](const std::string& token, int64_t id) {
                if (id >= nEntries)
                    fail(ErrorCode::InvalidFile,
                         "id " + std::to_string(id) + " of '" + token + "' is beyond the vocabulary's " +
                             std::to_string(nEntries) + " entries",
                         path);
            };
            for (const auto& [token, id] : model["vocab"].items()) {
                if (!id.is_number_integer() || id.get<int64_t>() < 0)
                    fail(ErrorCode::InvalidFile, "vocab id of '" + token + "' is not a non-negative integer",
                         path);
                checkId(token, id.get<int64_t>());
                tok.addToken(token, id.get<int64_t>());
            }
            for (const json& added : addedTokens) {
                const std::string content = added.value("content", std::string());
                // value<int64_t>() would cast a float id such as 1e30 (undefined behaviour).
                const auto idIt = added.find("id");
                if (idIt != added.end() && !idIt->is_number_integer())
                    fail(ErrorCode::InvalidFile, "added token id of '" + content + "' is not an integer", path);
                const int64_t id = idIt != added.end() ? idIt->get<int64_t>() : -1;
                if (content.empty() || id < 0) continue;
                checkId(content, id);
                if (!tok.m_tokenToId.count(content)) tok.addToken(content, id);
                if (added.value("special", false)) tok.m_specialTokens.push_back(content);
            }
            tok.m_unkToken = model.value("unk_token", tok.m_unkToken);
            tok.m_continuingPrefix = model.value("continuing_subword_prefix", tok.m_continuingPrefix);
            if (const auto it = model.find("max_input_chars_per_word"); it != model.end()) {
                if (!it->is_number_integer() || it->get<int64_t>() < 0 ||
                    it->get<int64_t>() > std::numeric_limits<int>::max())
                    fail(ErrorCode::InvalidFile, "max_input_chars_per_word is not a non-negative integer", path,
                         "found " + it->dump());
                tok.m_options.maxInputCharsPerWord = int(it->get<int64_t>());
            }
            const NormalizerSettings ns = readNormalizer(doc.value("normalizer", json()));
            tok.m_options.doLowerCase = ns.lowercase;
            tok.m_options.stripAccents = ns.stripAccents;
            tok.m_options.tokenizeChineseChars = ns.chineseChars;
            tok.m_cleanText = ns.cleanText;
            tok.m_normalizeNfc = ns.nfc;
        } catch (const json::exception& e) {
            fail(ErrorCode::InvalidFile, "invalid tokenizer.json", path, jsonErrorText(e));
        }
        if (tok.m_specialTokens.empty()) tok.m_specialTokens = {"[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"};
        tok.finishVocab(path);
        return tok;
    });
}

Result<WordPieceTokenizer> WordPieceTokenizer::fromModelDir(const std::string& dir)
{
    return captureResult([&] {
        std::error_code ec;
        if (!fs::is_directory(dir, ec)) fail(ErrorCode::FileNotFound, "model directory not found", dir);
        const fs::path root(dir);
        const std::string vocabTxt = (root / "vocab.txt").string();
        const std::string tokenizerJson = (root / "tokenizer.json").string();
        const std::string configPath = (root / "tokenizer_config.json").string();
        const bool hasConfig = fs::is_regular_file(configPath, ec);

        if (fs::is_regular_file(vocabTxt, ec)) {
            TokenizerOptions options;
            if (hasConfig) applyTokenizerConfig(configPath, options);
            return fromVocabTxt(vocabTxt, options).value();
        }
        if (fs::is_regular_file(tokenizerJson, ec)) {
            WordPieceTokenizer tok = fromTokenizerJson(tokenizerJson).value();
            if (hasConfig) // the config wins over the normalizer, as in BertTokenizerFast
                applyTokenizerConfig(configPath, tok.m_options);
            return tok;
        }
        fail(ErrorCode::FileNotFound, "no vocab.txt or tokenizer.json in " + dir, dir);
    });
}

void WordPieceTokenizer::addToken(const std::string& token, int64_t id)
{
    if (static_cast<size_t>(id) >= m_idToToken.size()) m_idToToken.resize(static_cast<size_t>(id) + 1);
    m_idToToken[static_cast<size_t>(id)] = token;
    if (!token.empty()) m_tokenToId[token] = id; // a later duplicate wins, as in transformers' load_vocab
}

void WordPieceTokenizer::finishVocab(const std::string& path)
{
    if (m_tokenToId.empty()) fail(ErrorCode::InvalidFile, "empty vocabulary", path);
    auto require = [&](const std::string& token) {
        auto it = m_tokenToId.find(token);
        if (it == m_tokenToId.end())
            fail(ErrorCode::InvalidFile, "vocabulary has no " + token + " token", path);
        return it->second;
    };
    m_unkId = require(m_unkToken);
    m_clsId = require("[CLS]");
    m_sepId = require("[SEP]");
    auto pad = m_tokenToId.find("[PAD]");
    m_padId = pad != m_tokenToId.end() ? pad->second : 0;
    m_maxTokenChars = 0;
    for (const auto& entry : m_tokenToId)
        m_maxTokenChars = std::max(m_maxTokenChars, countCodePoints(entry.first));
}

int64_t WordPieceTokenizer::tokenToId(const std::string& token) const
{
    auto it = m_tokenToId.find(token);
    return it == m_tokenToId.end() ? m_unkId : it->second;
}

const std::string& WordPieceTokenizer::idToToken(int64_t id) const
{
    static const std::string empty;
    if (id < 0 || static_cast<size_t>(id) >= m_idToToken.size()) return empty;
    return m_idToToken[static_cast<size_t>(id)];
}

std::vector<std::string> WordPieceTokenizer::basicTokenize(const std::string& text) const
{
    using namespace unicode;
    std::u32string chars = decodeUtf8(text);
    std::u32string cleaned;
    cleaned.reserve(chars.size() + 8);
    for (char32_t cp : chars) {
        if (m_cleanText) {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) continue;
            if (isWhitespace(cp)) cp = ' ';
        }
        if (m_options.tokenizeChineseChars && isChineseChar(cp)) {
            cleaned.push_back(' ');
            cleaned.push_back(cp);
            cleaned.push_back(' ');
        } else {
            cleaned.push_back(cp);
        }
    }
    if (m_normalizeNfc) cleaned = composeNfc(cleaned);

    const bool strip = m_options.doLowerCase ? m_options.stripAccents.value_or(true)
                                             : m_options.stripAccents.value_or(false);
    std::vector<std::string> out;
    size_t i = 0;
    while (i < cleaned.size()) {
        if (isSplitSpace(cleaned[i])) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < cleaned.size() && !isSplitSpace(cleaned[j]))
            ++j;
        std::u32string word = cleaned.substr(i, j - i);
        i = j;
        const std::string utf8 = encodeUtf8(word);
        if (std::find(m_specialTokens.begin(), m_specialTokens.end(), utf8) != m_specialTokens.end()) {
            out.push_back(utf8);
            continue;
        }
        if (m_options.doLowerCase) word = toLower(word);
        if (strip) word = stripAccents(word);
        // Each punctuation character is a token of its own.
        std::string piece;
        for (char32_t cp : word) {
            if (isPunctuation(cp)) {
                if (!piece.empty()) out.push_back(std::move(piece));
                piece.clear();
                std::string p;
                appendUtf8(p, cp);
                out.push_back(std::move(p));
            } else {
                appendUtf8(piece, cp);
            }
        }
        if (!piece.empty()) out.push_back(std::move(piece));
    }
    return out;
}

void WordPieceTokenizer::wordpiece(const std::string& word, std::vector<std::string>& out) const
{
    // Byte offset of every code point, plus the end.
    std::vector<size_t> offsets;
    for (size_t b = 0; b < word.size(); ++b)
        if ((static_cast<unsigned char>(word[b]) & 0xC0) != 0x80) offsets.push_back(b);
    const size_t nChars = offsets.size();
    offsets.push_back(word.size());
    if (nChars > static_cast<size_t>(std::max(m_options.maxInputCharsPerWord, 0))) {
        out.push_back(m_unkToken);
        return;
    }
    std::vector<std::string> pieces;
    std::string candidate;
    size_t start = 0;
    while (start < nChars) {
        bool found = false;
        size_t end = std::min(nChars, start + m_maxTokenChars);
        for (; end > start; --end) {
            candidate = start > 0 ? m_continuingPrefix : std::string();
            candidate.append(word, offsets[start], offsets[end] - offsets[start]);
            if (m_tokenToId.count(candidate)) {
                found = true;
                break;
            }
        }
        if (!found) {
            out.push_back(m_unkToken);
            return;
        }
        pieces.push_back(candidate);
        start = end;
    }
    out.insert(out.end(), pieces.begin(), pieces.end());
}

void WordPieceTokenizer::tokenizeSegment(const std::string& text, std::vector<std::string>& out) const
{
    // A special token in vocabulary comes out whole: the greedy search tries the whole word first.
    for (const std::string& word : basicTokenize(text))
        wordpiece(word, out);
}

std::vector<std::string> WordPieceTokenizer::tokenize(const std::string& text) const
{
    // Special tokens written in the text are split out first, as transformers' added-token trie does.
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t best = std::string::npos;
        const std::string* bestToken = nullptr;
        for (const std::string& special : m_specialTokens) {
            const size_t at = text.find(special, pos);
            if (at != std::string::npos &&
                (at < best || (at == best && special.size() > bestToken->size()))) {
                best = at;
                bestToken = &special;
            }
        }
        if (!bestToken) {
            tokenizeSegment(text.substr(pos), out);
            break;
        }
        tokenizeSegment(text.substr(pos, best - pos), out);
        out.push_back(*bestToken);
        pos = best + bestToken->size();
    }
    return out;
}

Encoding WordPieceTokenizer::encode(const std::string& textA, const std::optional<std::string>& textB,
                                    int maxLength) const
{
    if (maxLength <= 0) maxLength = m_options.modelMaxLength;
    std::vector<std::string> a = tokenize(textA);
    std::vector<std::string> b;
    if (textB) b = tokenize(*textB);
    const size_t specials = textB ? 3 : 2;
    const size_t budget =
        static_cast<size_t>(maxLength) > specials ? static_cast<size_t>(maxLength) - specials : 0;
    // Longest first, one token at a time; ties shorten text B (transformers' "longest_first").
    while (a.size() + b.size() > budget) {
        if (a.size() > b.size())
            a.pop_back();
        else
            b.pop_back();
    }

    Encoding e;
    auto push = [&](const std::string& token, int64_t type) {
        e.tokens.push_back(token);
        e.inputIds.push_back(tokenToId(token));
        e.tokenTypeIds.push_back(type);
    };
    push(m_idToToken[static_cast<size_t>(m_clsId)], 0);
    for (const std::string& t : a)
        push(t, 0);
    push(m_idToToken[static_cast<size_t>(m_sepId)], 0);
    if (textB) {
        for (const std::string& t : b)
            push(t, 1);
        push(m_idToToken[static_cast<size_t>(m_sepId)], 1);
    }
    return e;
}

} // namespace headscope::core
