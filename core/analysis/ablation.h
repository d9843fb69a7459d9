#pragma once
// Single-head ablation and keep-one-head-per-layer (Michel et al. 2019, sections 3.2, 3.3).
#include "analysis/encoded_dataset.h"
#include "analysis/importance.h"
#include "mask/head_mask.h"
#include "util/result.h"

#include <functional>
#include <memory>
#include <vector>

namespace headscope::core {

class LayerStateCache;

class EncoderModel;

enum class AblationMode { SingleHead, KeepOne };
const char* ablationModeName(AblationMode m); // "single", "keep-one"

struct AblationParams
{
    AblationMode mode = AblationMode::SingleHead;
    int batchSize = 32;
    HeadMask baseMask;      // starting mask (empty: all heads)
    bool fastPath = true;   // reuse layers below l; several variants per batched forward
    int variantsPerForward = 8;
    /// Hidden states kept across calls (may be null): the sweep takes the inputs of every layer
    /// under the base mask from it when it holds them (a finished evaluation leaves them
    /// there), and leaves its own there for the next click. Fast path only.
    LayerStateCache* layerCache = nullptr;
    /// A partial sweep of the same mode on the same model, data and base mask (a session's
    /// checkpoint after a crash): its first layersDone layers are taken over instead of being
    /// measured again. The baseline pass still runs and must give the checkpoint's baseline
    /// accuracy, else the call fails (the model or the data changed).
    std::shared_ptr<const struct AblationResult> resumeFrom;
};

struct AblationResult
{
    AblationParams params;  // how the sweep was run
    int layersDone = 0;     // layers whose heads are all measured (partial results stream)
    int layersResumed = 0;  // of those, taken over from params.resumeFrom (no per-example correctness)
    int nLayers = 0;
    double baselineAccuracy = 0.0;
    std::vector<uint8_t> baselineCorrect;
    Matrix accuracy;        // metric with the variant applied, [layer][head]
    Matrix delta;           // accuracy - baseline
    Matrix pTTest;          // paired t-test over per-example correctness
    Matrix pMcNemar;        // McNemar's exact test
    std::vector<std::vector<std::vector<uint8_t>>> correct; // [layer][head][example]
    int64_t n = 0;
    double seconds = 0.0;

    bool complete() const { return nLayers > 0 && layersDone >= nLayers; }
};

/// Called when one layer's heads are all done (results fill in layer by layer).
using AblationLayerCallback = std::function<void(int layer, const AblationResult& soFar)>;

Result<AblationResult> runAblation(const EncoderModel& model, const EncodedDataset& data,
                                   const AblationParams& params, const Progress& progress = {},
                                   const AblationLayerCallback& onLayer = {});

} // namespace headscope::core
