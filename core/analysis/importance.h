#pragma once
// Head importance scores (Michel et al. 2019, section 4.1).
#include "analysis/encoded_dataset.h"
#include "mask/head_mask.h"
#include "util/result.h"

#include <functional>
#include <memory>
#include <vector>

namespace headscope::core {

class EncoderModel;

enum class ImportanceMethod
{
    MaskGradient, // I_h = 1/N sum_x |dL(x)/dxi_h|, per-example mask variables
    PaperCode,    // authors' code: sum_t |<dL/dctx, ctx>|, batch-mean loss, / tokens (last layer / examples)
};
enum class ImportanceNormalization { Layer, Global, None };

const char* importanceMethodName(ImportanceMethod m);  // "mask-gradient", "paper-code"
bool parseImportanceMethod(const std::string& s, ImportanceMethod& out);
const char* normalizationName(ImportanceNormalization n); // "layer", "global", "none"
bool parseNormalization(const std::string& s, ImportanceNormalization& out);

using Matrix = std::vector<std::vector<double>>; // [layer][head]

/// A computeImportance run after some of its batches: the running sums (before the final
/// division), so that a session can checkpoint a long run and resume it after a crash. The
/// batch order is fixed by the data, the method and the batch size.
struct ImportanceCheckpoint
{
    int batchesDone = 0;
    Matrix sum;
    int64_t nTokens = 0;
    int64_t nExamples = 0;
};

struct ImportanceParams
{
    ImportanceMethod method = ImportanceMethod::MaskGradient;
    ImportanceNormalization normalization = ImportanceNormalization::Layer;
    int batchSize = 32;
    HeadMask mask; // heads already masked (score 0); empty: none
    /// Batches already summed (same data, method, batch size and mask): skipped.
    std::shared_ptr<const ImportanceCheckpoint> resumeFrom;
};

struct ImportanceResult
{
    ImportanceParams params; // how the scores were computed
    Matrix raw;
    Matrix normalized;
    int64_t nExamples = 0;
    int64_t nTokens = 0;
    double seconds = 0.0;
    int batchesResumed = 0; // batches taken over from params.resumeFrom
};

/// Called after each batch with the sums so far.
using ImportanceBatchCallback = std::function<void(const ImportanceCheckpoint&)>;

/// Normalises a [layer][head] matrix (layer: each row / its l2 norm + 1e-20; global: min-max).
Matrix normalizeImportance(const Matrix& raw, ImportanceNormalization normalization);

/// Importance of every head. Paper-code mode batches in file order (the scores depend on batch
/// composition). The layer callback is not used for this method: all layers finish together
/// in one backward pass, so results arrive once per batch through progress.
Result<ImportanceResult> computeImportance(const EncoderModel& model, const EncodedDataset& data,
                                           const ImportanceParams& params, const Progress& progress = {},
                                           const ImportanceBatchCallback& onBatch = {});

} // namespace headscope::core
