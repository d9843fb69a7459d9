#include "analysis/layer_state_cache.h"

#include "analysis/detail/layer_state_cache_impl.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace headscope::core {

LayerStateCache::LayerStateCache(size_t budgetBytes, bool bfloat16) : m_impl(std::make_unique<Impl>())
{
    m_impl->budget = budgetBytes;
    m_impl->bfloat16 = bfloat16;
}

LayerStateCache::~LayerStateCache() = default;

void LayerStateCache::setBudget(size_t budgetBytes, bool bfloat16)
{
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    if (bfloat16 != m_impl->bfloat16)
        m_impl->dropAllLocked();
    m_impl->bfloat16 = bfloat16;
    m_impl->budget = budgetBytes;
    if (m_impl->bytes > m_impl->budget)
        m_impl->makeRoomLocked(0, nullptr, 0);
}

void LayerStateCache::clear()
{
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    m_impl->dropAllLocked();
    m_impl->batchesFromCache = 0;
    m_impl->layersSkipped = 0;
}

LayerStateCache::Stats LayerStateCache::stats() const
{
    std::lock_guard<std::mutex> lock(m_impl->mutex);
    Stats s;
    s.bytes = m_impl->bytes;
    s.budgetBytes = m_impl->budget;
    for (const auto& versions : m_impl->entries) {
        bool held = false;
        for (const auto& e : versions) {
            held = held || e.nHeld > 0;
            s.examplesHeld += e.nHeld;
        }
        s.layersHeld += held ? 1 : 0;
    }
    s.batchesFromCache = m_impl->batchesFromCache;
    s.layersSkipped = m_impl->layersSkipped;
    return s;
}

// --- Impl ----------------------------------------------------------------------------------------

void LayerStateCache::Impl::dropAllLocked()
{
    for (auto& versions : entries)
        versions.clear();
    bytes = 0;
}

std::vector<uint8_t> LayerStateCache::Impl::prefixOf(const HeadMask& mask, int layer) const
{
    std::vector<uint8_t> bits;
    bits.reserve(size_t(layer) * size_t(std::max(0, mask.nHeads())));
    for (int l = 0; l < layer && l < mask.nLayers(); ++l)
        for (int h = 0; h < mask.nHeads(); ++h)
            bits.push_back(mask.isKept(l, h) ? 1 : 0);
    return bits;
}

LayerStateCache::Impl::Entry* LayerStateCache::Impl::findLocked(int layer, const std::vector<uint8_t>& prefix)
{
    if (layer < 0 || size_t(layer) >= entries.size())
        return nullptr;
    for (auto& e : entries[size_t(layer)])
        if (e.prefix == prefix)
            return &e;
    return nullptr;
}

bool LayerStateCache::Impl::makeRoomLocked(int layer, const Entry* keep, size_t needed)
{
    const auto dropOne = [&](size_t l) {
        auto& versions = entries[l];
        auto victim = versions.end();
        for (auto it = versions.begin(); it != versions.end(); ++it)
            if (&*it != keep && (victim == versions.end() || it->lastUse < victim->lastUse))
                victim = it;
        if (victim == versions.end())
            return false;
        bytes -= std::min(bytes, victim->bytes);
        versions.erase(victim);
        return true;
    };
    for (size_t l = entries.size(); l-- > size_t(std::max(layer, 0)) && bytes + needed > budget;) {
        while (bytes + needed > budget && dropOne(l)) {
        }
    }
    return bytes + needed <= budget;
}

void LayerStateCache::Impl::bind(const void* modelId, const void* dataId, size_t nExamplesNow, int nLayers)
{
    std::lock_guard<std::mutex> lock(mutex);
    if (modelId == model && dataId == data && nExamplesNow == nExamples && entries.size() == size_t(nLayers))
        return;
    if (bytes > 0)
        spdlog::debug("layer cache: new model or dataset, {} MB dropped", bytes >> 20);
    entries.assign(size_t(std::max(0, nLayers)), {});
    bytes = 0;
    model = modelId;
    data = dataId;
    nExamples = nExamplesNow;
}

void LayerStateCache::Impl::beginRun()
{
    std::lock_guard<std::mutex> lock(mutex);
    ceiling = int(entries.size());
}

bool LayerStateCache::Impl::holdsLocked(int layer, const HeadMask& mask, const std::vector<size_t>& indices)
{
    Entry* e = findLocked(layer, prefixOf(mask, layer));
    if (!e || e->nHeld < int64_t(indices.size()))
        return false;
    const bool all = std::all_of(indices.begin(), indices.end(),
                                 [&](size_t i) { return i < e->states.size() && e->states[i].defined(); });
    if (all)
        e->lastUse = ++clock;
    return all;
}

int LayerStateCache::Impl::startLayer(const HeadMask& mask, const std::vector<size_t>& indices, int stop)
{
    std::lock_guard<std::mutex> lock(mutex);
    for (int l = std::min<int>(stop, int(entries.size())) - 1; l >= 1; --l)
        if (holdsLocked(l, mask, indices))
            return l;
    return 0;
}

bool LayerStateCache::Impl::holds(int layer, const HeadMask& mask, const std::vector<size_t>& indices)
{
    std::lock_guard<std::mutex> lock(mutex);
    return holdsLocked(layer, mask, indices);
}

torch::Tensor LayerStateCache::Impl::gather(int layer, const HeadMask& mask, const std::vector<size_t>& indices,
                                            const std::vector<int64_t>& lengths, int64_t paddedLength,
                                            torch::ScalarType dtype, torch::Device device)
{
    std::lock_guard<std::mutex> lock(mutex);
    const Entry* e = findLocked(layer, prefixOf(mask, layer));
    if (!e)
        throw std::logic_error("layer cache: gather without a matching entry");
    const int64_t hidden = e->states.at(indices.front()).size(1);
    auto out = torch::zeros({int64_t(indices.size()), paddedLength, hidden},
                            torch::TensorOptions().dtype(dtype).device(device));
    for (size_t row = 0; row < indices.size(); ++row)
        out[int64_t(row)].narrow(0, 0, lengths[row]).copy_(e->states.at(indices[row]));
    return out;
}

void LayerStateCache::Impl::store(int layer, const HeadMask& mask, const std::vector<size_t>& indices,
                                  const std::vector<int64_t>& lengths, const torch::Tensor& hidden)
{
    std::lock_guard<std::mutex> lock(mutex);
    if (layer < 1 || size_t(layer) >= entries.size() || budget == 0 || layer > ceiling)
        return;
    auto prefix = prefixOf(mask, layer);
    Entry* e = findLocked(layer, prefix);
    const auto storeType = bfloat16 ? torch::kBFloat16 : hidden.scalar_type();
    size_t needed = 0;
    for (size_t row = 0; row < indices.size(); ++row)
        if (!e || indices[row] >= e->states.size() || !e->states[indices[row]].defined())
            needed += size_t(lengths[row] * hidden.size(2)) * c10::elementSize(storeType);
    if (needed == 0)
        return;
    if (bytes + needed > budget) {
        // A lower layer serves more clicks: make room above it, and store nothing above it for
        // the rest of this run (it would only evict itself batch after batch).
        const bool fits = makeRoomLocked(layer, e, needed);
        ceiling = fits ? layer : layer - 1;
        if (!fits)
            return;
    }
    if (!e) {
        entries[size_t(layer)].emplace_back();
        e = &entries[size_t(layer)].back();
        e->prefix = std::move(prefix);
    }
    e->lastUse = ++clock;
    if (e->states.size() != nExamples)
        e->states.resize(nExamples);
    for (size_t row = 0; row < indices.size(); ++row) {
        torch::Tensor& slot = e->states[indices[row]];
        if (slot.defined())
            continue;
        torch::Tensor rows = hidden[int64_t(row)].narrow(0, 0, lengths[row]).to(storeType);
        try {
            slot = rows.clone();
        } catch (const c10::Error&) {
            // A full GPU keeps the states in host memory instead.
            slot = rows.to(torch::kCPU);
        }
        const size_t b = size_t(slot.numel()) * slot.element_size();
        e->bytes += b;
        bytes += b;
        ++e->nHeld;
    }
}

void LayerStateCache::Impl::noteBatch(int start)
{
    std::lock_guard<std::mutex> lock(mutex);
    if (start > 0) {
        ++batchesFromCache;
        layersSkipped += start;
    }
}

} // namespace headscope::core
