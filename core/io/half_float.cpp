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

uint16_t floatToHalf(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude >= 0x7f800000u) // infinity, or NaN kept quiet with the top of its payload
        return sign | 0x7c00u | (magnitude > 0x7f800000u ? 0x200u | ((magnitude >> 13) & 0x3ffu) : 0u);
    if (magnitude >= 0x477ff000u) // 65520 and above round to infinity (65504 is the largest half)
        return sign | 0x7c00u;
    if (magnitude < 0x38800000u) {  // below 2^-14: a subnormal half, in units of 2^-24
        if (magnitude <= 0x33000000u) // up to 2^-25, the tie between 0 and 2^-24, rounds to (even) 0
            return sign;
        const uint32_t exponent = magnitude >> 23;
        const uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
        const uint32_t shift = 126u - exponent;
        uint32_t half = mantissa >> shift;
        const uint32_t rest = mantissa & ((1u << shift) - 1u);
        const uint32_t tie = 1u << (shift - 1u);
        if (rest > tie || (rest == tie && (half & 1u)))
            ++half; // a carry into the exponent gives the smallest normal, as it should
        return static_cast<uint16_t>(sign | half);
    }
    // Normal: rebias the exponent from 127 to 15 and round the 13 dropped mantissa bits.
    uint32_t half = (magnitude - 0x38000000u) >> 13;
    const uint32_t rest = magnitude & 0x1fffu;
    if (rest > 0x1000u || (rest == 0x1000u && (half & 1u)))
        ++half;
    return static_cast<uint16_t>(sign | half);
}

} // namespace headscope::core
