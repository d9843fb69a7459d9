#pragma once
// Small conversions between torch tensors and the torch-free public types (private).
#include "analysis/importance.h"
#include "mask/head_mask.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace headscope::core {

/// [L, H] float tensor of a HeadMask (1 kept, 0 masked) on the device.
torch::Tensor maskTensor(const HeadMask& mask, torch::Device device);
/// [L, H] tensor to a [layer][head] matrix of doubles.
Matrix toMatrix(const torch::Tensor& t);
/// LayerNorm computed in float32 whatever the tensors' precision (bf16 statistics lose too
/// much), returned in x's precision. Shared by the encoder and the Marian forward.
torch::Tensor layerNormFloat32(const torch::Tensor& x, const torch::Tensor& gamma, const torch::Tensor& beta,
                               double eps);
/// "[2, 64]": a tensor shape for error messages.
std::string shapeText(c10::IntArrayRef shape);
/// True when a CUDA device is used (timings need synchronising).
void synchronize(torch::Device device);

} // namespace headscope::core
