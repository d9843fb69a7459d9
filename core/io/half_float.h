#pragma once
// IEEE binary16 and bfloat16 to float32 conversion, and float32 to binary16 (private helper of core/io).
#include <cstdint>

namespace headscope::core {

/// binary16 bits to float32, exact (subnormals, infinities and NaN payloads kept).
float halfToFloat(uint16_t bits);
/// bfloat16 bits to float32: bfloat16 is the upper half of a float32.
float bfloat16ToFloat(uint16_t bits);
/// float32 to binary16 bits, rounded to nearest even; overflow gives infinity, NaN stays NaN.
uint16_t floatToHalf(float value);

} // namespace headscope::core
