// headscope-spm-train: trains a SentencePiece model with libsentencepiece, taking spm_train's
// flags (--input=... --model_prefix=... --vocab_size=...) and, as spm_train, --random_seed=N. headscope-train runs it as a child
// process: in a program that also holds LibTorch, libsentencepiece's bundled protobuf must be
// loaded privately (RTLD_DEEPBIND), and the trainer's logging through iostreams crashes there
// (a deep-bound library sees an uninitialised std::cerr). Exit codes: 0 ok, 1 training failed.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdio>
#include <exception>
#include <string>

int main(int argc, char** argv)
{
    std::string flags;
    const std::string seedFlag = "--random_seed=";
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            if (arg.rfind(seedFlag, 0) == 0)
                sentencepiece::SetRandomGeneratorSeed(unsigned(std::stoul(arg.substr(seedFlag.size()))));
            else
                flags += (flags.empty() ? "" : " ") + arg;
        }
        const auto status = sentencepiece::SentencePieceTrainer::Train(flags);
        if (!status.ok()) {
            std::fprintf(stderr, "headscope-spm-train: %s\n", status.ToString().c_str());
            return 1;
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "headscope-spm-train: %s\n", e.what());
        return 1;
    }
    return 0;
}
