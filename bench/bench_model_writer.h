#pragma once
// Writes a BERT-base-shaped random sequence classifier as a Hugging Face folder, for benches.
//
//   BenchModelSpec spec;                       // BERT-base shape by default
//   auto r = writeBenchModel("/tmp/bert-base-random", spec);
//   if (!r) std::cerr << r.error().toString();
#include "util/result.h"

#include <cstdint>
#include <string>

namespace headscope::bench {

struct BenchModelSpec
{
    int nLayers = 12;
    int nHeads = 12;
    int hiddenSize = 768;
    int intermediateSize = 3072;
    int vocabSize = 30522;
    int maxPositions = 512;
    int nLabels = 2;
    float initStd = 0.02f; // N(0, std) for weights and embeddings, as BERT's initialiser
    uint64_t seed = 1234;
};

struct BenchModelInfo
{
    bool reused = false;   // the folder already held a model and was left as it was
    int64_t nParameters = 0;
    double seconds = 0.0;
};

/// Writes config.json, model.safetensors (fp32) and vocab.txt into dir, unless all three are
/// already there (then the folder is reused untouched).
core::Result<BenchModelInfo> writeBenchModel(const std::string& dir, const BenchModelSpec& spec = {});

/// Token ids of the special tokens in the written vocab.txt.
constexpr int64_t kPadId = 0, kUnkId = 1, kClsId = 2, kSepId = 3, kMaskId = 4, kFirstWordId = 5;

} // namespace headscope::bench
