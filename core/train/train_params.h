#pragma once
// Settings shared by HeadScope's trainers (the sequence classifier now; an encoder-decoder can
// reuse OptimizerParams, the schedule and the checkpoint writing).
#include <cstdint>

namespace headscope::core {

struct OptimizerParams
{
    double learningRate = 1e-3; // peak of the linear warm-up / decay schedule
    double warmupFraction = 0.1; // of all steps
    double weightDecay = 0.01;   // AdamW, not applied to biases and LayerNorm
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double clipNorm = 1.0;       // gradient-norm clipping; 0 = none
};

struct ClassifierTrainParams
{
    OptimizerParams optimizer;
    int nEpochs = 8;
    int batchSize = 32;
    double dropout = 0.1;  // hidden and attention-probability dropout, as BERT
    /// Standard deviation of the normal initialisation of matrices and embeddings. BERT's 0.02
    /// suits width 768; a narrow model learns much sooner with about 1 / sqrt(hidden).
    double initStd = 0.02;
    uint64_t seed = 1;     // weights, dropout and the order of the examples
    int nThreads = 2;      // LibTorch intra-op threads, fixed so that runs reproduce
    int evalBatchSize = 128;
};

} // namespace headscope::core
