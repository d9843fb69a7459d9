#include "text/sentencepiece_model.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>

namespace headscope::core {

namespace {

// The module's C interface (text/sentencepiece_module/headscope_sentencepiece.cpp).
struct Module
{
    void* (*load)(const char*, char**) = nullptr;
    void (*free)(void*) = nullptr;
    void (*freeString)(char*) = nullptr;
    int (*encode)(void*, const char*, size_t, void (*)(void*, const char*, size_t), void*, char**) = nullptr;
    int (*decode)(void*, const char* const*, const size_t*, size_t, void (*)(void*, const char*, size_t), void*,
                  char**) = nullptr;
    int (*pieceCount)(void*) = nullptr;
    const char* (*piece)(void*, int, size_t*, int*) = nullptr;
    std::string error; // why the module is not available
};

std::string dlError()
{
    const char* e = dlerror();
    return e ? e : "unknown error";
}

Module openModule()
{
    Module m;
    // libsentencepiece first, on its own: RTLD_DEEPBIND makes it bind to its bundled protobuf,
    // RTLD_LOCAL keeps that protobuf from LibTorch's. The module then finds it already loaded.
    int flags = RTLD_NOW | RTLD_LOCAL;
#if !defined(__SANITIZE_ADDRESS__)
    flags |= RTLD_DEEPBIND; // AddressSanitizer refuses it
#endif
    if (!dlopen("libsentencepiece.so.0", flags)) {
        m.error = "cannot load libsentencepiece (install libsentencepiece0): " + dlError();
        return m;
    }
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("HEADSCOPE_SENTENCEPIECE_MODULE"))
        candidates.push_back(env);
    candidates.push_back(HEADSCOPE_SPM_MODULE_BUILD);
    candidates.push_back(HEADSCOPE_SPM_MODULE_INSTALL);
    void* handle = nullptr;
    std::string tried;
    for (const auto& c : candidates) {
        if (!std::filesystem::exists(c)) {
            tried += (tried.empty() ? "" : ", ") + c;
            continue;
        }
        handle = dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle)
            break;
        tried += (tried.empty() ? "" : ", ") + c + " (" + dlError() + ")";
    }
    if (!handle) {
        m.error = "cannot find HeadScope's SentencePiece module; looked for " + tried;
        return m;
    }
    auto sym = [&](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(handle, name));
        if (!fn && m.error.empty())
            m.error = std::string("the SentencePiece module lacks ") + name;
    };
    sym(m.load, "headscope_spm_load");
    sym(m.free, "headscope_spm_free");
    sym(m.freeString, "headscope_spm_free_string");
    sym(m.encode, "headscope_spm_encode");
    sym(m.decode, "headscope_spm_decode");
    sym(m.pieceCount, "headscope_spm_piece_count");
    sym(m.piece, "headscope_spm_piece");
    return m;
}

const Module& module()
{
    static const Module m = openModule(); // thread-safe initialisation
    return m;
}

std::string takeError(char* e)
{
    std::string s = e ? e : "unknown error";
    if (e)
        module().freeString(e);
    return s;
}

void appendPiece(void* ctx, const char* bytes, size_t size)
{
    static_cast<std::vector<std::string>*>(ctx)->emplace_back(bytes, size);
}

void setText(void* ctx, const char* bytes, size_t size) { static_cast<std::string*>(ctx)->assign(bytes, size); }

} // namespace

struct SentencePieceModel::State
{
    void* handle = nullptr;
    std::string path;
    ~State()
    {
        if (handle)
            module().free(handle);
    }
};

Result<SentencePieceModel> SentencePieceModel::load(const std::string& path)
{
    return captureResult([&]() -> SentencePieceModel {
        if (!std::filesystem::exists(path))
            fail(ErrorCode::FileNotFound, "the SentencePiece model file is missing", path);
        const Module& m = module();
        if (!m.error.empty())
            fail(ErrorCode::Runtime, m.error, path);
        char* error = nullptr;
        void* handle = m.load(path.c_str(), &error);
        if (!handle)
            fail(ErrorCode::InvalidFile, "not a readable SentencePiece model", path, takeError(error));
        auto state = std::make_shared<State>();
        state->handle = handle;
        state->path = path;
        SentencePieceModel out;
        out.m_state = std::move(state);
        return out;
    });
}

Result<std::vector<std::string>> SentencePieceModel::encode(const std::string& text) const
{
    std::vector<std::string> pieces;
    char* error = nullptr;
    if (module().encode(m_state->handle, text.data(), text.size(), &appendPiece, &pieces, &error) != 0)
        return Error{ErrorCode::Runtime, "SentencePiece could not encode a sentence", m_state->path, takeError(error)};
    return pieces;
}

Result<std::string> SentencePieceModel::decode(const std::vector<std::string>& pieces) const
{
    std::vector<const char*> data;
    std::vector<size_t> sizes;
    for (const auto& p : pieces) {
        data.push_back(p.data());
        sizes.push_back(p.size());
    }
    std::string text;
    char* error = nullptr;
    if (module().decode(m_state->handle, data.data(), sizes.data(), pieces.size(), &setText, &text, &error) != 0)
        return Error{ErrorCode::Runtime, "SentencePiece could not decode pieces", m_state->path, takeError(error)};
    return text;
}

int SentencePieceModel::pieceCount() const { return module().pieceCount(m_state->handle); }

std::string SentencePieceModel::piece(int id) const
{
    if (id < 0 || id >= pieceCount())
        return {};
    size_t size = 0;
    int kind = 0;
    const char* p = module().piece(m_state->handle, id, &size, &kind);
    return std::string(p, size);
}

SentencePieceModel::PieceKind SentencePieceModel::kind(int id) const
{
    if (id < 0 || id >= pieceCount())
        return PieceKind::Unused;
    size_t size = 0;
    int kind = 0;
    module().piece(m_state->handle, id, &size, &kind);
    return static_cast<PieceKind>(kind);
}

const std::string& SentencePieceModel::path() const { return m_state->path; }

} // namespace headscope::core
