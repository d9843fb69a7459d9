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

torch::Tensor layerNormFloat32(const torch::Tensor& x, const torch::Tensor& gamma, const torch::Tensor& beta,
                               double eps)
{
    if (x.scalar_type() == torch::kFloat32)
        return torch::layer_norm(x, {x.size(-1)}, gamma, beta, eps);
    auto y = torch::layer_norm(x.to(torch::kFloat32), {x.size(-1)}, gamma.to(torch::kFloat32),
                               beta.to(torch::kFloat32), eps);
    return y.to(x.scalar_type());
}

std::string shapeText(c10::IntArrayRef shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

} // namespace headscope::core
