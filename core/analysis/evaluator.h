#pragma once
// Accuracy, logits and latency of a model (with a head mask) on an encoded dataset.
//
//   EvalParams p; p.mask = model.fullMask(); p.mask.setKept(0, 1, false);
//   auto r = evaluate(model, data, p, progress, [](const EvalPartial& part) { ... });
#include "analysis/encoded_dataset.h"
#include "mask/head_mask.h"
#include "metrics/statistics.h"
#include "util/result.h"

#include <functional>
#include <vector>

namespace headscope::core {

class EncoderModel;

struct EvalParams
{
    int batchSize = 32;
    HeadMask mask;             // empty: all heads kept
    bool sortByLength = true;  // less padding; results are still in file order
    bool keepLogits = true;
};

struct EvalPartial
{
    int64_t nDone = 0;
    int64_t nTotal = 0;
    int64_t nCorrect = 0;
    double accuracy() const { return nDone > 0 ? double(nCorrect) / double(nDone) : 0.0; }
};
using EvalPartialCallback = std::function<void(const EvalPartial&)>;

struct EvalResult
{
    std::vector<std::vector<float>> logits; // [example][label], file order
    std::vector<int> predictions;
    std::vector<uint8_t> correct;           // 1 when prediction == label
    int64_t n = 0;                          // labelled examples
    int64_t nCorrect = 0;
    double accuracy = 0.0;
    Interval accuracyInterval;              // Wilson 95%
    double meanLoss = 0.0;                  // mean cross-entropy over examples
    int64_t nBatches = 0;
    double totalSeconds = 0.0;
    double meanBatchMs = 0.0;
    double msPerExample = 0.0;
    double examplesPerSecond = 0.0;
};

/// Runs the model over every example. Progress counts examples; returning false cancels
/// (the result is then an Error with code Cancelled).
Result<EvalResult> evaluate(const EncoderModel& model, const EncodedDataset& data, const EvalParams& params,
                            const Progress& progress = {}, const EvalPartialCallback& partial = {});

/// Logits of single examples with one head mask per example ([example] -> mask).
Result<std::vector<std::vector<float>>> logitsWithPerExampleMasks(const EncoderModel& model,
                                                                  const EncodedDataset& data,
                                                                  const std::vector<HeadMask>& masks);

} // namespace headscope::core
