#pragma once
// Training dynamics (Michel et al. 2019, section 6): importance and pruning curves of every
// checkpoint of a training run, e.g. the epoch-01 ... epoch-NN folders headscope-train writes.
//
//   auto list = listCheckpoints("demo/checkpoints");
//   CheckpointSeriesParams p; p.dataPath = "dev.tsv";
//   auto r = analyzeCheckpoints(*list, p, progress, [](const CheckpointAnalysis& one) { ... });
#include "analysis/importance.h"
#include "analysis/prune_curve.h"
#include "data/dataset.h"
#include "data/dataset_summary.h"
#include "model/encoder_model.h"
#include "util/result.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace headscope::core {

struct CheckpointInfo
{
    std::string name; // the folder's name ("epoch-03")
    std::string path; // the folder
    int epoch = -1;   // the last number in the name; -1 when it has none
};

/// The sub-folders of dir that hold a config.json, in training order (by epoch, then name).
/// An error names dir when it is missing or holds no checkpoint.
Result<std::vector<CheckpointInfo>> listCheckpoints(const std::string& dir);

struct CheckpointSeriesParams
{
    std::string dataPath;          // read and tokenised once per checkpoint (vocabularies may differ)
    DatasetOptions dataOptions;
    LoadOptions load;              // device, precision, threads of every checkpoint
    bool importance = true;        // importance of every head
    bool pruneCurves = true;       // pruning curves
    ImportanceParams importanceParams;
    PruneCurveSetParams curveParams; // orders, step, ...; scores are computed per checkpoint
};

struct CheckpointAnalysis
{
    CheckpointInfo checkpoint;
    int nLayers = 0;
    int nHeads = 0;
    int64_t nParameters = 0;
    std::optional<ImportanceResult> importance;
    std::optional<PruneCurveSet> curves;
};

struct CheckpointSeriesResult
{
    std::vector<CheckpointAnalysis> checkpoints; // in the order of the list
    DatasetSummary data;                         // the dataset as read for the first checkpoint
    double seconds = 0.0;
};

/// The progress of one stage of one checkpoint within a series of nCheckpoints checkpoints of
/// stagesPer stages each, every stage counting the same (for the series' own progress).
Progress checkpointStageProgress(const Progress& progress, int64_t checkpoint, int64_t nCheckpoints,
                                 int64_t stagesPer, int64_t stage);

/// Called after each checkpoint is done (the partial result of a long run).
using CheckpointCallback = std::function<void(const CheckpointAnalysis&)>;

/// Loads each checkpoint in turn, reads the data for it and runs the requested analyses.
/// Progress covers the whole series (each checkpoint counts the same); returning false cancels.
Result<CheckpointSeriesResult> analyzeCheckpoints(const std::vector<CheckpointInfo>& checkpoints,
                                                  const CheckpointSeriesParams& params, const Progress& progress = {},
                                                  const CheckpointCallback& onCheckpoint = {});

} // namespace headscope::core
