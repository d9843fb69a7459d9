#pragma once
// Encoder outputs of a set of source sentences, computed once and decoded many times (for
// example once per decoder-side head mask in a single-head ablation sweep).
//
//   auto enc = encodeSources(*model, sourceIds, EncodeParams{});   // seq2seq_inference.h
//   auto base = decode(*model, *enc, DecodeParams{});
//   DecodeParams p; p.masks.decoderSelf = maskWithOneHeadOff;
//   auto ablated = decode(*model, *enc, p);                        // the encoder does not run again
//
// Immutable once built; copies share the tensors. Valid only with the model that built it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace headscope::core {

class EncodedSources
{
public:
    struct Impl; // per-batch encoder states (model/detail/seq2seq_forward.h)

    EncodedSources() = default;
    explicit EncodedSources(std::shared_ptr<const Impl> impl) : m_impl(std::move(impl)) {}

    /// Number of source sentences.
    size_t size() const;
    /// Number of batches the sources were split into (sorted by length).
    size_t nBatches() const;
    /// Source lengths in tokens (with </s>), in the caller's order.
    const std::vector<int64_t>& sourceLengths() const;

    const Impl& impl() const { return *m_impl; }
    bool valid() const { return m_impl != nullptr; }

private:
    std::shared_ptr<const Impl> m_impl;
};

} // namespace headscope::core
