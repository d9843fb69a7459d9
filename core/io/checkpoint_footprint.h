#pragma once
// What loading a checkpoint will allocate, computed from the file headers before anything is
// read, so that a model too large for the machine is refused with both sizes.
#include "util/result.h"

#include <cstdint>
#include <string>

namespace headscope::core {

struct CheckpointFootprint
{
    std::string path;            // the weights file, as the loader picks it ("" if none)
    int64_t nValues = 0;         // floating-point values (estimated from the size for .bin)
    int64_t float32CopyBytes = 0; // host bytes of the float32 load; mapped F32 data is free
};

/// Reads the headers of dir's weights (model.safetensors, its sharded index, or pytorch_model.bin).
Result<CheckpointFootprint> checkpointFootprint(const std::string& dir);

/// Refuses (ErrorCode::OutOfMemory, naming the file and both sizes) a load of dir whose weights
/// do not fit in the available memory; bytesPerValue is 4 for fp32, 2 when converted to fp16/bf16.
Result<bool> checkCheckpointFits(const std::string& dir, int bytesPerValue, const std::string& precisionName);

} // namespace headscope::core
