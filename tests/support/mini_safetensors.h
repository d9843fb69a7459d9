#pragma once
// A small, independent .safetensors reader/writer for tests, so that fixtures and the reference
// encoder never depend on the core reader under test. Values are held as doubles.
//
//   RefTensorMap t = readMiniSafetensors(dir + "/model.safetensors");
//   const RefTensor& w = t.at("classifier.weight");  // w.shape, w.values, w.dtype
//
// Errors throw headscope::core::ErrorException naming the file and the problem.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace headscope::testing {

struct RefTensor
{
    std::string dtype = "F32"; // "F32", "F64", "I64" or "I32" (as in the file)
    std::vector<int64_t> shape;
    std::vector<double> values; // row-major; F32 values are exactly the stored floats

    int64_t numel() const;
    /// Element at a 2-D index (shape must be rank 2).
    double at(int64_t row, int64_t col) const { return values[size_t(row * shape[1] + col)]; }
};

using RefTensorMap = std::map<std::string, RefTensor>;

/// Reads every tensor (F32, F64, I64, I32) of a .safetensors file; "__metadata__" is skipped.
RefTensorMap readMiniSafetensors(const std::string& path);
/// Writes tensors as their dtype ("F32" rounds values to float, "I64" to integers) with
/// {"format":"pt"} metadata and the header padded to 8 bytes, like the Python writer.
void writeMiniSafetensors(const std::string& path, const RefTensorMap& tensors);

} // namespace headscope::testing
