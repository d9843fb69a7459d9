#pragma once
// A SentencePiece model (.spm / .model) read by libsentencepiece, loaded privately at run time
// (see text/sentencepiece_module/headscope_sentencepiece.cpp for why).
//
//   auto sp = SentencePieceModel::load("models/opus-mt/source.spm");
//   if (!sp) return sp.error();
//   std::vector<std::string> pieces = sp->encode("Hello world.").value();
//
// Immutable after loading; copies share the model, which may be used from several threads.
#include "util/result.h"

#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

class SentencePieceModel
{
public:
    enum class PieceKind { Normal, Control, Unknown, Unused, Byte };

    /// Errors name the file (missing, not a SentencePiece model) or the module that could not load.
    static Result<SentencePieceModel> load(const std::string& path);

    /// Pieces of a text, as SentencePieceProcessor::Encode.
    Result<std::vector<std::string>> encode(const std::string& text) const;
    /// Text of pieces, as SentencePieceProcessor::Decode (unknown pieces become " ⁇ ").
    Result<std::string> decode(const std::vector<std::string>& pieces) const;
    int pieceCount() const;
    std::string piece(int id) const;
    PieceKind kind(int id) const;
    const std::string& path() const;

private:
    struct State;
    std::shared_ptr<const State> m_state;
};

} // namespace headscope::core
