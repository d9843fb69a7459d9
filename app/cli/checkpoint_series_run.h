#pragma once
// `importance --checkpoints DIR` and `prune-curve --checkpoints DIR`: the same analysis on every
// checkpoint of a training run (paper section 6), one result per checkpoint in one document.
#include "analysis/checkpoint_series.h"
#include "cli_options.h"
#include "json_output.h"

#include <string>

namespace headscope::cli {

class ProgressReporter;

/// Runs the series (dir may be "demo": the bundled demo's checkpoints), prints one line per
/// checkpoint on stderr and fills doc's envelope and results.checkpoints.
void runCheckpointSeries(Json& doc, ProgressReporter& progress, const std::string& dir, const std::string& dataPath,
                         const DataOptions& dataOptions, const CommonOptions& common,
                         core::CheckpointSeriesParams params);

} // namespace headscope::cli
