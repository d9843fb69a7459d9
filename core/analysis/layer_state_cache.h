#pragma once
// Hidden states entering each encoder layer, kept per example across evaluations, so that a
// mask change whose first changed layer is l recomputes layers l.. only.
//
// The input of layer l depends on the mask of layers 0..l-1 alone. The cache keeps, for each
// layer l >= 1, the states of the last mask that ran through it together with that mask's rows
// 0..l-1; an evaluation starts every batch at the highest layer whose stored prefix equals its
// own mask's and that holds every example of the batch, and stores what it computes above.
// The memory budget is shared by all layers; when a new entry does not fit, entries are evicted
// from the top layer down (a low layer's states serve every click at or above it, and any click
// below a layer makes its states stale anyway), and a layer that still does not fit is not kept.
//
//   LayerStateCache cache(512 << 20);
//   EvalParams p; p.layerCache = &cache;  // the same cache for the baseline and every click
//
// Thread-safe; bind it to one model and one encoded dataset (anything else clears it).
#include <cstddef>
#include <cstdint>
#include <memory>

namespace headscope::core {

class LayerStateCache
{
public:
    struct Stats
    {
        size_t bytes = 0;          // held now
        size_t budgetBytes = 0;
        int layersHeld = 0;        // layers with an entry
        int64_t examplesHeld = 0;  // example states over all layers
        int64_t batchesFromCache = 0; // batches that started above layer 0 (since clear())
        int64_t layersSkipped = 0;    // layer computations saved (since clear())
    };

    /// budgetBytes 0 keeps nothing; bfloat16 halves the memory of float32 models' states at a
    /// relative error of about 4e-3 in the states (off by default: results then differ from a
    /// full recomputation in the last digits).
    explicit LayerStateCache(size_t budgetBytes = size_t(512) << 20, bool bfloat16 = false);
    ~LayerStateCache();
    LayerStateCache(const LayerStateCache&) = delete;
    LayerStateCache& operator=(const LayerStateCache&) = delete;

    void setBudget(size_t budgetBytes, bool bfloat16);
    void clear();
    Stats stats() const;

    struct Impl;
    Impl& impl() { return *m_impl; }

private:
    std::unique_ptr<Impl> m_impl;
};

} // namespace headscope::core
