#pragma once
// Memory-mapped, validated reader for Hugging Face .safetensors files.
//
//   auto file = SafetensorsFile::open("model.safetensors");
//   if (!file) return file.error();
//   for (const auto& t : file->tensors()) ... t.name, t.dtype, t.shape, t.data
//
// Everything is validated before any tensor is touched: header length inside the file, JSON
// well formed, known dtypes, shape x element size == byte range, ranges inside the data area
// and not overlapping. Data pointers stay valid while any copy of the SafetensorsFile lives
// (the mapping is shared).
#include "util/result.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

/// Bytes per element of a dtype.
size_t dtypeSize(DType dtype);
/// Safetensors spelling: "F32", "BF16", ...
const char* dtypeName(DType dtype);

struct TensorView
{
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const std::byte* data = nullptr; // inside the mapping, little-endian
    size_t nBytes = 0;

    int64_t numel() const;
};

class SafetensorsFile
{
public:
    /// Maps and validates the file; errors name the file and the problem.
    static Result<SafetensorsFile> open(const std::string& path);

    const std::string& path() const;
    const std::vector<TensorView>& tensors() const;
    /// nullptr when absent.
    const TensorView* find(const std::string& name) const;
    /// The optional "__metadata__" string map.
    const std::map<std::string, std::string>& metadata() const;
    /// Keeps the mapping alive (for zero-copy tensors that outlive this object).
    std::shared_ptr<const void> mappingOwner() const;

    /// Converts one tensor's elements to float32 (F32 copied, F16/BF16/F64 converted). Throws
    /// ErrorException for non-float dtypes.
    static std::vector<float> toFloat32(const TensorView& view);

    /// Writes float32 tensors (row-major) to a new .safetensors file, with optional metadata;
    /// each is stored as F32 or, with dtype F16, rounded to binary16 (nearest even).
    struct WriteTensor
    {
        std::string name;
        std::vector<int64_t> shape;
        const float* data = nullptr;
        DType dtype = DType::F32; // F32 or F16
    };
    static Result<bool> write(const std::string& path, const std::vector<WriteTensor>& tensors,
                              const std::map<std::string, std::string>& metadata = {});

private:
    struct State;
    std::shared_ptr<State> m_state;
};

/// Opens every shard named by a model.safetensors.index.json ("weight_map"), validated as above.
Result<std::vector<SafetensorsFile>> openShardedSafetensors(const std::string& indexJsonPath);

} // namespace headscope::core
