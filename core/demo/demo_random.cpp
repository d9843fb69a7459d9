#include "demo/demo_random.h"

namespace headscope::core {

uint64_t DemoRandom::next()
{
    uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

size_t DemoRandom::below(size_t n)
{
    // Rejection keeps every value equally likely (a plain modulo would favour small ones).
    const uint64_t bound = uint64_t(n);
    const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t r = next();
    while (r >= limit)
        r = next();
    return size_t(r % bound);
}

double DemoRandom::unit()
{
    return double(next() >> 11) * 0x1.0p-53;
}

bool DemoRandom::chance(double p)
{
    return unit() < p;
}

} // namespace headscope::core
