// Writes the random classifier that the benches and eager_reference.py use: BERT-base-shaped by
// default, or another shape (e.g. the 4 x 8, hidden 128 model of the latency-lab anomaly).
#include "bench_model_writer.h"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv)
{
    headscope::bench::BenchModelSpec spec;
    std::string dir;
    bool ok = true;
    for (int i = 1; i < argc && ok; ++i) {
        const std::string a = argv[i];
        const auto value = [&](int& out) {
            if (i + 1 >= argc) {
                ok = false;
                return;
            }
            out = std::atoi(argv[++i]);
            ok = out > 0;
        };
        if (a == "--layers") value(spec.nLayers);
        else if (a == "--heads") value(spec.nHeads);
        else if (a == "--hidden") value(spec.hiddenSize);
        else if (a == "--intermediate") value(spec.intermediateSize);
        else if (a.rfind("-", 0) == 0) ok = false;
        else if (dir.empty()) dir = a;
        else ok = false;
    }
    if (!ok || dir.empty() || spec.hiddenSize % spec.nHeads != 0) {
        std::fprintf(stderr,
                     "usage: %s DIR [--layers N] [--heads N] [--hidden N] [--intermediate N]\n"
                     "  writes a random classifier (default BERT-base: 12 layers, 12 heads, hidden 768, "
                     "intermediate 3072) as a Hugging Face folder; an existing one is reused\n",
                     argv[0]);
        return 2;
    }
    auto info = headscope::bench::writeBenchModel(dir, spec);
    if (!info) {
        std::fprintf(stderr, "error: %s\n", info.error().toString().c_str());
        return 3;
    }
    if (info->reused)
        std::printf("model folder      %s (reused)\n", dir.c_str());
    else
        std::printf("model folder      %s (written: %lld parameters in %.1f s)\n", dir.c_str(),
                    static_cast<long long>(info->nParameters), info->seconds);
    return 0;
}
