#pragma once
// `importance --checkpoints DIR` and `prune-curve --checkpoints DIR`: the same analysis on every
// checkpoint of a training run (paper section 6), one result per checkpoint in one document.
#include "analysis/checkpoint_series.h"
#include "analysis/translation_checkpoint_series.h"
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

/// "demo-translation" -> the translation demo's checkpoint folder, "demo" -> the classifier
/// demo's; anything else unchanged.
std::string resolveCheckpointsDir(const std::string& dir);
/// True when the first checkpoint of dir is a translation model (false when dir cannot be
/// listed: the series reports that itself).
bool isTranslationCheckpoints(const std::string& dir);

/// The translation counterpart: --src/--ref read with each checkpoint's tokenizer, BLEU,
/// importance of the three attention types and (with params.pruneCurves) per-type curves.
void runTranslationCheckpointSeries(Json& doc, ProgressReporter& progress, const std::string& dir,
                                    const TranslationOptions& translation, int64_t limit, const CommonOptions& common,
                                    core::TranslationCheckpointSeriesParams params);

} // namespace headscope::cli
