#pragma once
// The torch side of LayerStateCache (private to core's torch files).
#include "analysis/layer_state_cache.h"
#include "mask/head_mask.h"

#include <torch/torch.h>

#include <mutex>
#include <vector>

namespace headscope::core {

struct LayerStateCache::Impl
{
    /// The states entering one layer under one mask prefix (a layer may hold several).
    struct Entry
    {
        std::vector<uint8_t> prefix;       // kept bits of layers < this layer, row-major
        std::vector<torch::Tensor> states; // [example] -> [length, hidden]; undefined when absent
        size_t bytes = 0;
        int64_t nHeld = 0;
        uint64_t lastUse = 0;
    };

    /// Empties the cache when the model, the dataset or its size differ from the last call.
    void bind(const void* model, const void* data, size_t nExamples, int nLayers);
    /// Starts one evaluation: every layer may be stored again.
    void beginRun();
    /// Highest layer >= 1 (< stop) whose entry matches `mask` and holds every example; 0 if none.
    int startLayer(const HeadMask& mask, const std::vector<size_t>& indices, int stop);
    /// True when the entry of `layer` under `mask` holds every example of `indices`.
    bool holds(int layer, const HeadMask& mask, const std::vector<size_t>& indices);
    /// [B, T, hidden] states entering `layer` under `mask` for the rows of a batch (zeros on
    /// padding); startLayer() must have returned `layer` for them.
    torch::Tensor gather(int layer, const HeadMask& mask, const std::vector<size_t>& indices, const std::vector<int64_t>& lengths,
                         int64_t paddedLength, torch::ScalarType dtype, torch::Device device);
    /// Keeps the non-padding rows of `hidden` ([B, T, hidden], entering `layer` under `mask`).
    void store(int layer, const HeadMask& mask, const std::vector<size_t>& indices,
               const std::vector<int64_t>& lengths, const torch::Tensor& hidden);
    void noteBatch(int startLayer);

    std::vector<uint8_t> prefixOf(const HeadMask& mask, int layer) const;
    Entry* findLocked(int layer, const std::vector<uint8_t>& prefix);
    bool holdsLocked(int layer, const HeadMask& mask, const std::vector<size_t>& indices);
    /// Frees room for `needed` more bytes for an entry of `layer`: entries of higher layers
    /// first (top down, least recently used first in a layer), then other entries of `layer`.
    bool makeRoomLocked(int layer, const Entry* keep, size_t needed);
    void dropAllLocked();

    mutable std::mutex mutex;
    size_t budget = 0;
    bool bfloat16 = false;
    const void* model = nullptr;
    const void* data = nullptr;
    size_t nExamples = 0;
    std::vector<std::vector<Entry>> entries; // [layer][version]; layer 0 unused (embeddings are cheap)
    size_t bytes = 0;
    uint64_t clock = 0;
    int ceiling = 0; // this run stores layers <= ceiling only (set when a lower layer needed room)
    int64_t batchesFromCache = 0;
    int64_t layersSkipped = 0;
};

} // namespace headscope::core
