#pragma once
// The order in which a live evaluation visits the examples, so that every partial figure is an
// honest estimate of the final one.
//
// Sorting by length saves padding but makes the first batches the shortest sentences: a biased
// sample. Here the examples, sorted by length, are cut into a few strata of neighbouring lengths;
// each stratum is shuffled (seeded) and cut into batches, so a batch still holds examples of
// similar length; and the batches of all strata are interleaved in proportion to the strata's
// sizes, from a random phase. After any number of batches the examples done are a stratified
// random sample with (nearly) proportional allocation, whose plain mean is unbiased for the
// dataset's mean and whose simple-random-sampling variance is, if anything, too large.
//
// The order depends on the dataset, the batch size and the seed only: the baseline and every
// mask visit the same examples in the same order.
#include "analysis/encoded_dataset.h"

#include <cstdint>
#include <vector>

namespace headscope::core {

/// Default seed of the streaming order (the CLI's --seed and the GUI use it unless told).
constexpr uint64_t kDefaultStreamingSeed = 20190530;

/// Number of length strata for n examples in batches of batchSize: about eight batches per
/// stratum, between 1 and 16 strata.
int streamingStrataCount(size_t nExamples, int batchSize);

/// Batches (lists of example indices) in the streaming order described above.
std::vector<std::vector<size_t>> makeStreamingBatches(const EncodedDataset& data, int batchSize, uint64_t seed);

/// Each batch cut into pieces of at most batchSize (in order): smaller batches, same sequence.
std::vector<std::vector<size_t>> cutBatches(const std::vector<std::vector<size_t>>& batches, int batchSize);

/// The first `count` examples of `batches` (the last batch cut short): a stratified sample.
std::vector<std::vector<size_t>> takeExamples(const std::vector<std::vector<size_t>>& batches, size_t count);

} // namespace headscope::core
