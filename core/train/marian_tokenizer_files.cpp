#include "train/marian_tokenizer_files.h"

#include "text/sentencepiece_model.h"
#include "util/error.h"

#include <nlohmann/json.hpp>

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

extern "C" char** environ; // posix_spawn hands the environment on

namespace headscope::core {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

std::string readBytes(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(ErrorCode::FileNotFound, "cannot read the file", path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// libsentencepiece cannot train inside a process that holds LibTorch (their protobufs clash,
// and the private loading that solves it for encoding breaks the trainer's logging), so the
// training runs in headscope-spm-train.
void trainSentencePiece(const MarianTokenizerParams& p, const fs::path& input, const fs::path& prefix)
{
    if (p.spmTrainProgram.empty())
        fail(ErrorCode::InvalidArgument, "no SentencePiece trainer program given (headscope-spm-train)");
    std::vector<std::string> args = {p.spmTrainProgram,
                                     "--input=" + input.string(),
                                     "--model_prefix=" + prefix.string(),
                                     "--vocab_size=" + std::to_string(p.vocabSize),
                                     "--model_type=unigram",
                                     "--character_coverage=1.0",
                                     "--hard_vocab_limit=false",
                                     "--unk_id=0",
                                     "--bos_id=-1",
                                     "--eos_id=-1",
                                     "--pad_id=-1",
                                     "--num_threads=1", // reproducible
                                     "--minloglevel=2",
                                     "--random_seed=" + std::to_string(p.seed)};
    std::vector<char*> argv;
    for (auto& a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (const int e = posix_spawn(&pid, p.spmTrainProgram.c_str(), nullptr, nullptr, argv.data(), environ); e != 0)
        fail(ErrorCode::FileNotFound, "cannot run the SentencePiece trainer", p.spmTrainProgram, std::strerror(e));
    int status = 0;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail(ErrorCode::Runtime, "SentencePiece training failed", input.string(),
             "see the messages of " + p.spmTrainProgram + " above");
}

} // namespace

Result<MarianTokenizerFiles> trainMarianTokenizer(const std::string& sourceTrain, const std::string& targetTrain,
                                                  const std::string& workDir, const MarianTokenizerParams& p)
{
    return captureResult([&]() -> MarianTokenizerFiles {
        const fs::path work(workDir);
        std::error_code ec;
        fs::create_directories(work, ec);
        if (ec)
            fail(ErrorCode::Runtime, "cannot create the folder: " + ec.message(), workDir);
        trainSentencePiece(p, sourceTrain, work / "source");
        trainSentencePiece(p, targetTrain, work / "target");
        auto source = SentencePieceModel::load((work / "source.model").string());
        if (!source)
            throw ErrorException(source.error());
        auto target = SentencePieceModel::load((work / "target.model").string());
        if (!target)
            throw ErrorException(target.error());

        json vocab = json::object();
        vocab["</s>"] = 0;
        vocab["<unk>"] = 1;
        int next = 2;
        for (const SentencePieceModel* sp : {&*source, &*target})
            for (int id = 0; id < sp->pieceCount(); ++id) {
                const std::string piece = sp->piece(id);
                if (sp->kind(id) == SentencePieceModel::PieceKind::Normal && !vocab.contains(piece))
                    vocab[piece] = next++;
            }
        const int pad = next;
        vocab["<pad>"] = pad;

        MarianTokenizerFiles out;
        out.vocabSize = pad + 1;
        out.sourcePieces = source->pieceCount();
        out.targetPieces = target->pieceCount();
        const json generation = {{"bos_token_id", 0},          {"decoder_start_token_id", pad},
                                 {"eos_token_id", 0},          {"forced_eos_token_id", 0},
                                 {"pad_token_id", pad},        {"bad_words_ids", {{pad}}},
                                 {"max_length", p.maxLength},  {"num_beams", 1}};
        const json tokenizer = {{"tokenizer_class", "MarianTokenizer"},
                                {"source_lang", p.sourceLanguage},
                                {"target_lang", p.targetLanguage},
                                {"separate_vocabs", false},
                                {"eos_token", "</s>"},
                                {"unk_token", "<unk>"},
                                {"pad_token", "<pad>"},
                                {"model_max_length", p.maxPositions}};
        const json special = {{"eos_token", "</s>"}, {"unk_token", "<unk>"}, {"pad_token", "<pad>"}};
        out.files = {{"source.spm", readBytes(work / "source.model")},
                     {"target.spm", readBytes(work / "target.model")},
                     {"vocab.json", vocab.dump(2) + "\n"},
                     {"generation_config.json", generation.dump(2) + "\n"},
                     {"tokenizer_config.json", tokenizer.dump(2) + "\n"},
                     {"special_tokens_map.json", special.dump(2) + "\n"}};
        return out;
    });
}

} // namespace headscope::core
