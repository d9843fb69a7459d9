#include "io/checkpoint_footprint.h"

#include "io/safetensors_file.h"
#include "util/memory_budget.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace headscope::core {

namespace {

bool isFloat(DType dtype)
{
    return dtype == DType::F32 || dtype == DType::F16 || dtype == DType::BF16 || dtype == DType::F64;
}

// The loader concatenates the query, key and value projections into one tensor: a copy.
bool isFusedProjection(const std::string& name)
{
    for (const char* part : {".query.", ".key.", ".value.", ".q_lin.", ".k_lin.", ".v_lin.", ".q_proj.", ".k_proj.",
                             ".v_proj."})
        if (name.find(part) != std::string::npos)
            return true;
    return false;
}

void addFile(CheckpointFootprint& footprint, const SafetensorsFile& file)
{
    for (const TensorView& view : file.tensors()) {
        if (!isFloat(view.dtype))
            continue;
        footprint.nValues += view.numel();
        // F32 is mapped zero-copy; other dtypes become float32 copies.
        if (view.dtype != DType::F32 || isFusedProjection(view.name))
            footprint.float32CopyBytes += view.numel() * 4;
    }
}

} // namespace

Result<CheckpointFootprint> checkpointFootprint(const std::string& dir)
{
    return captureResult([&]() -> CheckpointFootprint {
        CheckpointFootprint footprint;
        const fs::path base(dir);
        std::error_code ec;
        if (fs::exists(base / "model.safetensors", ec)) {
            footprint.path = (base / "model.safetensors").string();
            auto file = SafetensorsFile::open(footprint.path);
            if (!file)
                throw ErrorException(file.error());
            addFile(footprint, file.value());
        } else if (fs::exists(base / "model.safetensors.index.json", ec)) {
            footprint.path = (base / "model.safetensors.index.json").string();
            auto shards = openShardedSafetensors(footprint.path);
            if (!shards)
                throw ErrorException(shards.error());
            for (const auto& shard : shards.value())
                addFile(footprint, shard);
        } else if (fs::exists(base / "pytorch_model.bin", ec)) {
            // The whole file is read into memory, then every tensor is copied as float32;
            // without parsing the pickle, take the file as float32 values.
            footprint.path = (base / "pytorch_model.bin").string();
            const auto bytes = int64_t(fs::file_size(footprint.path, ec));
            footprint.nValues = bytes / 4;
            footprint.float32CopyBytes = 2 * bytes;
        }
        return footprint;
    });
}

Result<bool> checkCheckpointFits(const std::string& dir, int bytesPerValue, const std::string& precisionName)
{
    auto footprint = checkpointFootprint(dir);
    if (!footprint || footprint->path.empty())
        return true; // the loader reports unreadable or missing weights itself
    int64_t needed = footprint->float32CopyBytes;
    if (bytesPerValue != 4)
        needed += footprint->nValues * bytesPerValue; // the converted copy, alongside the float32 one
    return checkMemoryNeed(footprint->path, needed, "to load as " + precisionName);
}

} // namespace headscope::core
