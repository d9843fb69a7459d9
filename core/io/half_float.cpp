#include "io/half_float.h"

#include <cstring>

namespace headscope::core {

namespace {

float bitsToFloat(uint32_t bits)
{
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

} // namespace

float halfToFloat(uint16_t bits)
{
    const uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
    uint32_t exponent = (bits >> 10) & 0x1fu;
    uint32_t mantissa = bits & 0x3ffu;

    if (exponent == 0x1f) // infinity or NaN: all-ones float32 exponent, payload kept
        return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
    if (exponent == 0) {
        if (mantissa == 0)
            return bitsToFloat(sign); // signed zero
        // Subnormal half: normalise, every one is a normal float32.
        int shift = 0;
        while ((mantissa & 0x400u) == 0) {
            mantissa <<= 1;
            ++shift;
        }
        mantissa &= 0x3ffu;
        // Value = 1.m * 2^(-14 - shift); float32 biased exponent = 127 - 14 - shift.
        return bitsToFloat(sign | (static_cast<uint32_t>(113 - shift) << 23) | (mantissa << 13));
    }
    // Normal: rebias from 15 to 127.
    return bitsToFloat(sign | ((exponent + 112u) << 23) | (mantissa << 13));
}

float bfloat16ToFloat(uint16_t bits)
{
    return bitsToFloat(static_cast<uint32_t>(bits) << 16);
}

} // namespace headscope::core
