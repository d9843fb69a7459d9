#pragma once
// Small conversions between torch tensors and the torch-free public types (private).
#include "analysis/importance.h"
#include "mask/head_mask.h"

#include <torch/torch.h>

#include <vector>

namespace headscope::core {

/// [L, H] float tensor of a HeadMask (1 kept, 0 masked) on the device.
torch::Tensor maskTensor(const HeadMask& mask, torch::Device device);
/// [L, H] tensor to a [layer][head] matrix of doubles.
Matrix toMatrix(const torch::Tensor& t);
/// True when a CUDA device is used (timings need synchronising).
void synchronize(torch::Device device);

} // namespace headscope::core
