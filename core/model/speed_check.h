#pragma once
// Start-up self-check: how fast fp32 matrix products run, and on which BLAS.
#include <string>

namespace headscope::core {

struct SpeedCheck
{
    double gflops = 0.0;      // fp32 matmul, 512x512x512, best of a few runs
    std::string blasLibrary;  // what libblas.so.3 resolves to, when known
    bool slow = false;        // below the floor that a reference BLAS gives away
    std::string advice;       // what to install when slow
};

/// Times a small fp32 matmul on the CPU and logs the result; a warning when below the floor.
SpeedCheck runSpeedCheck(double floorGflops = 20.0);

/// The LibTorch version this program was built against ("1.13.0").
std::string torchVersion();
/// The BLAS library file mapped into this process (for Help > About and bug reports).
std::string blasLibraryInUse();

} // namespace headscope::core
