#pragma once
// Reads a checkpoint's tensors by name, whatever the file format (private, torch).
#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace headscope::core {

struct Checkpoint
{
    std::string path;                          // the file shown in messages
    std::map<std::string, torch::Tensor> tensors; // float tensors as float32 CPU (zero-copy for F32)
    std::vector<std::string> nonFloat;         // integer buffers (position_ids, ...)
};

/// model.safetensors, model.safetensors.index.json (sharded) or pytorch_model.bin, in that order.
/// Errors name the file; a directory with none of them says which files were looked for.
Checkpoint readCheckpoint(const std::string& dir);

} // namespace headscope::core
