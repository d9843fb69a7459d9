#include "model/speed_check.h"

#include "util/process_setup.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <dlfcn.h>
#include <filesystem>
#include <fstream>

namespace headscope::core {

namespace {

// Which file libblas.so.3 resolves to in this process (Debian's LibTorch links it).
std::string blasLibrary()
{
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        auto pos = line.find('/');
        if (pos == std::string::npos)
            continue;
        std::string path = line.substr(pos);
        if (path.find("blas") != std::string::npos || path.find("mkl") != std::string::npos) {
            std::error_code ec;
            auto real = std::filesystem::canonical(path, ec);
            return ec ? path : real.string();
        }
    }
    return "unknown (no BLAS library mapped)";
}

} // namespace

std::string torchVersion()
{
    return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
           std::to_string(TORCH_VERSION_PATCH);
}

std::string blasLibraryInUse()
{
    return blasLibrary();
}

SpeedCheck runSpeedCheck(double floorGflops)
{
    SpeedCheck check;
    c10::InferenceMode guard;
    const int64_t n = 512;
    auto a = torch::randn({n, n});
    auto b = torch::randn({n, n});
    auto c = torch::matmul(a, b); // warm-up
    double best = 1e30;
    for (int run = 0; run < 5; ++run) {
        const auto t0 = std::chrono::steady_clock::now();
        c = torch::matmul(a, b);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    check.gflops = 2.0 * double(n * n * n) / best / 1e9;
    check.blasLibrary = blasLibrary();
    check.slow = check.gflops < floorGflops;
    if (check.slow) {
        const std::string kernels = blasKernelNote();
        check.advice = "matrix products run at " + std::to_string(int(check.gflops)) + " GFLOP/s" +
                       (kernels.empty()
                            ? ": libblas.so.3 is probably the slow reference BLAS (" + check.blasLibrary +
                                  "); install libopenblas0-pthread (sudo apt-get install libopenblas0-pthread)"
                            : " with OpenBLAS's " + kernels + " (" + check.blasLibrary +
                                  "): the machine may be busy, or OPENBLAS_CORETYPE may suit this CPU better");
        spdlog::warn("speed check: {}", check.advice);
    } else {
        const std::string kernels = blasKernelNote();
        spdlog::info("speed check: fp32 matmul {:.0f} GFLOP/s with {}{} on {} threads", check.gflops, check.blasLibrary,
                     kernels.empty() ? std::string() : ", " + kernels, at::get_num_threads());
    }
    return check;
}

} // namespace headscope::core
