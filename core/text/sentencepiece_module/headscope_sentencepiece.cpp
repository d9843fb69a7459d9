// A C interface to libsentencepiece, built as a module that core/text/sentencepiece_model.cpp
// loads at run time. Debian's libsentencepiece carries its own protobuf 3.14 and exports it; in
// a process that also holds LibTorch's protobuf 3.21 the two copies bind to each other and
// crash at start-up. Loading sentencepiece privately (RTLD_LOCAL | RTLD_DEEPBIND) keeps them
// apart, and a C interface keeps every sentencepiece type on this side of the boundary.
#include <sentencepiece_processor.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

char* copyString(const std::string& s)
{
    char* out = static_cast<char*>(std::malloc(s.size() + 1));
    if (out)
        std::memcpy(out, s.c_str(), s.size() + 1);
    return out;
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) void* headscope_spm_load(const char* path, char** error)
{
    try {
        auto* sp = new sentencepiece::SentencePieceProcessor();
        const auto status = sp->Load(path);
        if (!status.ok()) {
            *error = copyString(status.ToString());
            delete sp;
            return nullptr;
        }
        return sp;
    } catch (const std::exception& e) {
        *error = copyString(e.what());
        return nullptr;
    }
}

__attribute__((visibility("default"))) void headscope_spm_free(void* model)
{
    delete static_cast<sentencepiece::SentencePieceProcessor*>(model);
}

__attribute__((visibility("default"))) void headscope_spm_free_string(char* s) { std::free(s); }

// Calls piece(ctx, bytes, size) for each piece; returns 0, or 1 with *error set.
__attribute__((visibility("default"))) int headscope_spm_encode(void* model, const char* text, size_t size,
                                                                void (*piece)(void*, const char*, size_t), void* ctx,
                                                                char** error)
{
    try {
        std::vector<std::string> pieces;
        const auto status = static_cast<const sentencepiece::SentencePieceProcessor*>(model)->Encode(
            std::string_view(text, size), &pieces);
        if (!status.ok()) {
            *error = copyString(status.ToString());
            return 1;
        }
        for (const auto& p : pieces)
            piece(ctx, p.data(), p.size());
        return 0;
    } catch (const std::exception& e) {
        *error = copyString(e.what());
        return 1;
    }
}

// Detokenises n pieces; calls out(ctx, bytes, size) once with the text.
__attribute__((visibility("default"))) int headscope_spm_decode(void* model, const char* const* pieces,
                                                                const size_t* sizes, size_t n,
                                                                void (*out)(void*, const char*, size_t), void* ctx,
                                                                char** error)
{
    try {
        std::vector<std::string> in;
        in.reserve(n);
        for (size_t i = 0; i < n; ++i)
            in.emplace_back(pieces[i], sizes[i]);
        std::string text;
        const auto status = static_cast<const sentencepiece::SentencePieceProcessor*>(model)->Decode(in, &text);
        if (!status.ok()) {
            *error = copyString(status.ToString());
            return 1;
        }
        out(ctx, text.data(), text.size());
        return 0;
    } catch (const std::exception& e) {
        *error = copyString(e.what());
        return 1;
    }
}

__attribute__((visibility("default"))) int headscope_spm_piece_count(void* model)
{
    return static_cast<const sentencepiece::SentencePieceProcessor*>(model)->GetPieceSize();
}

// The piece's bytes (valid while the model lives) and its kind: 0 normal, 1 control,
// 2 unknown, 3 unused, 4 byte.
__attribute__((visibility("default"))) const char* headscope_spm_piece(void* model, int id, size_t* size, int* kind)
{
    const auto* sp = static_cast<const sentencepiece::SentencePieceProcessor*>(model);
    const std::string& p = sp->IdToPiece(id);
    *size = p.size();
    *kind = sp->IsControl(id) ? 1 : sp->IsUnknown(id) ? 2 : sp->IsUnused(id) ? 3 : sp->IsByte(id) ? 4 : 0;
    return p.c_str();
}

} // extern "C"
