#pragma once
// Core values as the JSON blocks of docs/cli.md (snake_case keys, [layer][head] matrices keyed
// by attention type).
#include "analysis/importance.h"
#include "json_writer.h"
#include "mask/head_mask.h"
#include "metrics/statistics.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::cli {

/// [[...], ...]; NaN (absent heads) becomes null.
Json matrixJson(const core::Matrix& m);
/// {"encoder_self": [[...], ...]}
Json encoderSelfJson(const Json& value);
/// {"0": [1, 5], "3": [0]}: masked heads per layer, layers without masked heads left out.
Json prunedHeadsJson(const core::HeadMask& keep);
/// HeadScope's 0-based descriptor ("0:1,5 3:0"; "" when nothing is masked).
std::string descriptorOf(const core::HeadMask& keep);
/// {"descriptor", "n_masked", "pruned": {"encoder_self": {...}}}.
Json maskJson(const core::HeadMask& keep);
/// {"value", "low", "high", "n", "n_correct"} with a Wilson 95% interval.
Json accuracyJson(int64_t nCorrect, int64_t n);
/// Number of 1s in a 0/1 vector.
int64_t countOnes(const std::vector<uint8_t>& v);

} // namespace headscope::cli
