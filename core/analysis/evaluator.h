#pragma once
// Accuracy, logits and latency of a model (with a head mask) on an encoded dataset.
//
//   EvalParams p; p.mask = model.fullMask(); p.mask.setKept(0, 1, false);
//   auto r = evaluate(model, data, p, progress, [](const EvalPartial& part) { ... });
#include "analysis/encoded_dataset.h"
#include "analysis/streaming_order.h"
#include "mask/head_mask.h"
#include "metrics/statistics.h"
#include "metrics/streaming_estimate.h"
#include "util/result.h"

#include <functional>
#include <memory>
#include <vector>

namespace headscope::core {

class EncoderModel;
class LayerStateCache;

/// The order of the batches; results are always reported in file order.
enum class BatchOrder {
    FileOrder,
    ByLength,  // shortest first: least padding, but partial numbers are biased
    Streaming, // seeded stratified random order (analysis/streaming_order.h): honest partials
};

struct EvalParams
{
    int batchSize = 32;
    HeadMask mask;             // empty: all heads kept
    BatchOrder order = BatchOrder::ByLength;
    uint64_t orderSeed = kDefaultStreamingSeed; // BatchOrder::Streaming
    /// > 0: the batch size that fixes the streaming order (and so which examples a sample
    /// holds); its batches are then cut to batchSize. Lets a run with small batches (a click on
    /// a slow model) visit the same examples in the same order as a baseline with large ones.
    int orderBatchSize = 0;
    bool keepLogits = true;
    /// > 0: evaluate only the first sampleSize examples of the order (with Streaming: a
    /// stratified random sample); estimates still refer to the whole dataset.
    int64_t sampleSize = 0;
    /// The baseline's per-example correctness (file order, EvalResult::correct of a complete
    /// run without the mask): partial results then carry the paired change of accuracy.
    std::shared_ptr<const std::vector<uint8_t>> baselineCorrect;
    /// > 0: stop once the 95% interval of the final change (of the final accuracy without a
    /// baseline) is narrower than this (a fraction: 0.01 = 1 point).
    double stopBelowWidth = 0.0;
    /// Hidden states kept across calls (may be null); see analysis/layer_state_cache.h.
    LayerStateCache* layerCache = nullptr;
};

/// What a streaming evaluation knows so far.
struct EvalPartial
{
    int64_t nDone = 0;        // examples run (progress)
    int64_t nTotal = 0;       // examples this run will do (the sample size in sample mode)
    int64_t nCorrect = 0;
    int64_t nLabelled = 0;    // labelled examples among nDone
    int64_t nPopulation = 0;  // labelled examples in the whole dataset
    bool paired = false;      // baseline outcomes given
    int64_t nBaselineOnly = 0; // right with the baseline, wrong now
    int64_t nCurrentOnly = 0;  // wrong with the baseline, right now
    double accuracy() const { return nLabelled > 0 ? double(nCorrect) / double(nLabelled) : 0.0; }
    /// The final accuracy on the whole dataset, estimated.
    StreamingEstimate accuracyEstimate() const;
    /// The final change of accuracy against the baseline, estimated (paired only).
    StreamingEstimate deltaEstimate() const;
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
    /// How much of the dataset the numbers cover: everything, or a sample / an early stop.
    enum class Coverage { All, Sample, StoppedAtWidth };
    Coverage coverage = Coverage::All;
    EvalPartial last;                       // the streaming counts at the end
    bool complete() const { return coverage == Coverage::All; }
};

const char* coverageName(EvalResult::Coverage c); // "all", "sample", "interval"
bool parseCoverage(const std::string& name, EvalResult::Coverage& out);

/// Runs the model over every example. Progress counts examples; returning false cancels
/// (the result is then an Error with code Cancelled).
Result<EvalResult> evaluate(const EncoderModel& model, const EncodedDataset& data, const EvalParams& params,
                            const Progress& progress = {}, const EvalPartialCallback& partial = {});

/// Logits of single examples with one head mask per example ([example] -> mask).
Result<std::vector<std::vector<float>>> logitsWithPerExampleMasks(const EncoderModel& model,
                                                                  const EncodedDataset& data,
                                                                  const std::vector<HeadMask>& masks);

} // namespace headscope::core
