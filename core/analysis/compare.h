#pragma once
// Cross-dataset comparison (Michel et al. 2019, section 3.4): the same analysis on two datasets
// and how its per-head values correlate (e.g. MNLI matched vs mismatched).
//
//   CompareParams p; p.what = CompareWhat::Both;
//   auto r = compareDatasets(model, matched, mismatched, p, progress);
//   r->importanceCorrelation.spearman;
#include "analysis/ablation.h"
#include "analysis/encoded_dataset.h"
#include "analysis/importance.h"
#include "data/dataset_summary.h"
#include "util/result.h"

#include <functional>
#include <optional>
#include <string>

namespace headscope::core {

class EncoderModel;

enum class CompareWhat { Ablation, Importance, Both };
const char* compareWhatName(CompareWhat w); // "ablation", "importance", "both"
bool parseCompareWhat(const std::string& s, CompareWhat& out);

/// The analyses of one dataset; each is present when CompareParams::what asked for it.
struct DatasetAnalyses
{
    std::optional<AblationResult> ablation;     // single-head ablation
    std::optional<ImportanceResult> importance; // scores normalised as the params say
};

struct CompareParams
{
    CompareWhat what = CompareWhat::Both;
    AblationParams ablation;     // mode is always single-head
    ImportanceParams importance;
    /// Results already known for dataset A (computed with the same params): not recomputed.
    DatasetAnalyses knownA;
};

/// Pearson and Spearman correlation over the heads that are present in the model and finite on
/// both sides; NaN when fewer than two heads or one side is constant.
struct Correlation
{
    double pearson = 0.0;
    double spearman = 0.0;
    int nHeads = 0;
};

struct CompareResult
{
    CompareParams params;   // knownA is cleared
    DatasetSummary dataA, dataB; // filled by the caller: the analysis sees encoded data only
    DatasetAnalyses a, b;
    std::optional<Correlation> ablationDelta; // of the single-head deltas
    std::optional<Correlation> importance;    // of the normalised importance
    double seconds = 0.0;
};

/// Correlates two [layer][head] matrices over the heads present in the model.
Correlation correlatePerHead(const EncoderModel& model, const Matrix& a, const Matrix& b);
/// Appends to x and y the values of a and b at the heads `present` accepts (within both
/// matrices and finite on both sides), layer by layer.
void collectPairedHeads(const Matrix& a, const Matrix& b, int nLayers, int nHeads,
                        const std::function<bool(int layer, int head)>& present, std::vector<double>& x,
                        std::vector<double>& y);
/// Pearson and Spearman of paired values (NaN when undefined), with their count.
Correlation correlationOf(const std::vector<double>& x, const std::vector<double>& y);

/// Called before each analysis starts: stage index, number of stages, and its description
/// ("ablation on A", "importance on B").
using CompareStageCallback = std::function<void(int stage, int nStages, const std::string& what)>;

/// Runs the requested analyses on a then b and correlates them. Progress covers every stage.
Result<CompareResult> compareDatasets(const EncoderModel& model, const EncodedDataset& a, const EncodedDataset& b,
                                      const CompareParams& params, const Progress& progress = {},
                                      const CompareStageCallback& onStage = {});

} // namespace headscope::core
