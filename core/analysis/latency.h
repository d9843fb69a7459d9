#pragma once
// Latency lab: timed forwards of original, masked and pruned models (paper Table 4).
#include "mask/head_mask.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::core {

class EncoderModel;

struct LatencyParams
{
    std::vector<int> batchSizes{1, 4, 16, 64};
    std::vector<int> seqLengths{128};
    int warmupRuns = 2;
    int timedRuns = 10;
    HeadMask mask;          // for the masked and pruned variants; empty: original only
    bool includeMasked = true;
    bool includePruned = true;
    uint64_t seed = 1;      // random token ids
};

struct LatencyMeasurement
{
    std::string variant;    // "original", "masked", "pruned"
    int batchSize = 0;
    int seqLength = 0;
    double medianMs = 0.0;  // per batch
    double q1Ms = 0.0;
    double q3Ms = 0.0;
    double examplesPerSecond = 0.0; // batchSize / median
    int64_t nParameters = 0;
};

struct LatencyResult
{
    LatencyParams params; // what was timed (params.mask: the masked and pruned variants' mask)
    std::vector<LatencyMeasurement> measurements;
    std::string device;
    int nThreads = 0;
    /// FLOP-based ideal speed-up of pruned over original at each seq length (attention + FFN).
    double idealSpeedup = 1.0;
    double flopsOriginal = 0.0; // per example at the first sequence length
    double flopsPruned = 0.0;   // the same with params.mask's heads removed
};

/// Speed-up of variant over "original" at the same batch and length; 0 when absent.
double speedupOf(const LatencyResult& r, const std::string& variant, int batchSize, int seqLength);

/// Times each variant at each shape: warm-up runs, then timed runs (CUDA synchronised).
Result<LatencyResult> measureLatency(const EncoderModel& model, const LatencyParams& params,
                                     const Progress& progress = {});

/// Forward FLOPs of one example of length seqLength with the given kept heads (matmuls only).
double forwardFlops(const EncoderModel& model, const HeadMask& keep, int seqLength);

} // namespace headscope::core
