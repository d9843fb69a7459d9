#pragma once
// NumPy .npy reading and writing for 2-D mask matrices (private to core/mask).
#include <cstdint>
#include <string>
#include <vector>

namespace headscope::core {

struct NpyMatrix
{
    int64_t rows = 0;
    int64_t cols = 0;
    std::string descr;          // dtype as in the header, e.g. "<f4"
    std::vector<double> values; // row-major, converted from the stored dtype
};

/// Parses a 2-D, C-order .npy (format versions 1-3; <f4 <f8 |u1 |b1 <i8 <i4). Throws
/// ErrorException (InvalidFile / Unsupported) naming path on anything else or truncated data.
NpyMatrix parseNpyMatrix(const std::string& bytes, const std::string& path);
/// A version 1.0 .npy of little-endian float32 [rows, cols], laid out as numpy.save does.
std::string writeNpyFloat32(const std::vector<float>& values, int64_t rows, int64_t cols);

} // namespace headscope::core
