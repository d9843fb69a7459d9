#pragma once
// The JSON blocks of an ablation result, shared by ablate and compare.
#include "analysis/ablation.h"
#include "json_writer.h"

namespace headscope::cli {

/// {"metric": "accuracy", "value", "n", "n_correct", "low", "high"} of the unmasked baseline.
Json ablationBaselineJson(const core::AblationResult& r);
/// p < alpha per head; absent heads (NaN) are never significant.
std::vector<std::vector<bool>> significantCells(const core::Matrix& p, double alpha);

} // namespace headscope::cli
