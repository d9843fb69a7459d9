// Writes the BERT-base-shaped random classifier that the benches and eager_reference.py use.
#include "bench_model_writer.h"

#include <cstdio>
#include <string>

int main(int argc, char** argv)
{
    if (argc != 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        std::fprintf(stderr, "usage: %s DIR\n  writes a random BERT-base-shaped classifier (12 layers, 12 heads, "
                             "hidden 768) as a Hugging Face folder; an existing one is reused\n",
                     argv[0]);
        return 2;
    }
    auto info = headscope::bench::writeBenchModel(argv[1]);
    if (!info) {
        std::fprintf(stderr, "error: %s\n", info.error().toString().c_str());
        return 3;
    }
    if (info->reused)
        std::printf("model folder      %s (reused)\n", argv[1]);
    else
        std::printf("model folder      %s (written: %lld parameters in %.1f s)\n", argv[1],
                    static_cast<long long>(info->nParameters), info->seconds);
    return 0;
}
