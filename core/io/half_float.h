#pragma once
// IEEE binary16 and bfloat16 to float32 conversion (private helper of core/io).
#include <cstdint>

namespace headscope::core {

/// binary16 bits to float32, exact (subnormals, infinities and NaN payloads kept).
float halfToFloat(uint16_t bits);
/// bfloat16 bits to float32: bfloat16 is the upper half of a float32.
float bfloat16ToFloat(uint16_t bits);

} // namespace headscope::core
