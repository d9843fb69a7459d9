#include "model/detail/torch_helpers.h"


namespace headscope::core {

torch::Tensor maskTensor(const HeadMask& mask, torch::Device device)
{
    auto values = mask.toFloats();
    return torch::from_blob(values.data(), {mask.nLayers(), mask.nHeads()}, torch::kFloat32).clone().to(device);
}

Matrix toMatrix(const torch::Tensor& t)
{
    auto c = t.to(torch::kCPU, torch::kFloat64).contiguous();
    Matrix m(size_t(c.size(0)), std::vector<double>(size_t(c.size(1))));
    auto a = c.accessor<double, 2>();
    for (int64_t i = 0; i < c.size(0); ++i)
        for (int64_t j = 0; j < c.size(1); ++j)
            m[size_t(i)][size_t(j)] = a[i][j];
    return m;
}

void synchronize(torch::Device device)
{
    if (device.is_cuda()) {
        // A device-to-host copy waits for every queued kernel on the current stream; this keeps
        // the code free of CUDA headers, which the CPU-only LibTorch does not ship.
        (void)torch::zeros({1}, torch::TensorOptions().device(device)).to(torch::kCPU);
    }
}

} // namespace headscope::core
