#pragma once
// A small seeded random source whose sequence is fixed by this file alone (splitmix64), so the
// demo data are byte-identical on every platform and standard library (std::uniform_int_distribution
// is implementation-defined and would not be).
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace headscope::core {

class DemoRandom
{
public:
    explicit DemoRandom(uint64_t seed) : m_state(seed) {}

    uint64_t next();
    /// Uniform in [0, n); n must be > 0.
    size_t below(size_t n);
    /// True with probability p.
    bool chance(double p);
    /// Uniform in [0, 1).
    double unit();

    template <class T>
    void shuffle(std::vector<T>& items)
    {
        for (size_t i = items.size(); i > 1; --i)
            std::swap(items[i - 1], items[below(i)]);
    }
    template <class T>
    const T& pick(const std::vector<T>& items)
    {
        return items[below(items.size())];
    }

private:
    uint64_t m_state;
};

} // namespace headscope::core
