#pragma once
// splitmix64: a tiny deterministic generator, so test models are identical on every platform.
#include <cstdint>

namespace headscope::testing {

class TinyRandom
{
public:
    explicit TinyRandom(uint64_t seed) : m_state(seed) {}

    /// Next 64 random bits.
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [-1, 1).
    double symmetric() { return double(next() >> 11) * 0x1.0p-52 - 1.0; }
    /// Uniform integer in [0, n).
    uint64_t below(uint64_t n) { return next() % n; }

private:
    uint64_t m_state;
};

} // namespace headscope::testing
