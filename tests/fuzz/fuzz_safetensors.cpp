// Fuzzes SafetensorsFile::open (header length, JSON header, tensor table, ranges) and the
// float conversion of every tensor it accepts.
#include "fuzz_input_file.h"
#include "io/safetensors_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace headscope::core;
    static headscope::fuzz::FuzzInputFile file(".safetensors");
    auto st = SafetensorsFile::open(file.write(data, size));
    if (!st)
        return 0;
    for (const TensorView& view : st->tensors()) {
        if (view.dtype == DType::F32 || view.dtype == DType::F16 || view.dtype == DType::BF16 ||
            view.dtype == DType::F64) {
            volatile float sink = 0;
            for (float v : SafetensorsFile::toFloat32(view))
                sink = sink + v;
        }
    }
    return 0;
}
