#pragma once
// Writes a trained model as a Hugging Face folder: the weights as model.safetensors plus text
// files (config.json, vocab.txt, ...) given by the caller. Any trainer's model can use it.
// Private to core/train (torch). Throws ErrorException naming the file on failure.
#include <torch/torch.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace headscope::core {

struct CheckpointFiles
{
    std::vector<std::pair<std::string, torch::Tensor>> tensors; // Hugging Face names
    std::map<std::string, std::string> textFiles;                // file name -> content
    bool f16 = false;                                             // F16 instead of F32 weights
};

/// Creates dir (and parents) and writes model.safetensors and the text files into it.
void writeCheckpoint(const std::string& dir, const CheckpointFiles& files);

} // namespace headscope::core
