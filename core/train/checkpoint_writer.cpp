#include "train/detail/checkpoint_writer.h"

#include "io/safetensors_file.h"
#include "util/error.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace headscope::core {

void writeCheckpoint(const std::string& dir, const CheckpointFiles& files)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        fail(ErrorCode::Runtime, "cannot create directory", dir, ec.message());

    std::vector<torch::Tensor> owned; // contiguous float32 CPU copies, alive until written
    std::vector<SafetensorsFile::WriteTensor> out;
    for (const auto& [name, tensor] : files.tensors) {
        owned.push_back(tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous());
        SafetensorsFile::WriteTensor w;
        w.name = name;
        w.shape = owned.back().sizes().vec();
        w.data = owned.back().data_ptr<float>();
        w.dtype = files.f16 ? DType::F16 : DType::F32;
        out.push_back(std::move(w));
    }
    const auto written = SafetensorsFile::write((fs::path(dir) / "model.safetensors").string(), out,
                                                {{"format", "pt"}});
    if (!written)
        throw ErrorException(written.error());

    for (const auto& [name, text] : files.textFiles) {
        const std::string path = (fs::path(dir) / name).string();
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f << text;
        f.flush();
        if (!f)
            fail(ErrorCode::Runtime, "cannot write file", path, std::strerror(errno));
    }
}

} // namespace headscope::core
