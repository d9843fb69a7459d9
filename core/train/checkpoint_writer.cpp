#include "train/detail/checkpoint_writer.h"

#include "io/safetensors_file.h"
#include "util/atomic_file.h"
#include "util/error.h"

#include <filesystem>

namespace headscope::core {

void writeCheckpoint(const std::string& dir, const CheckpointFiles& files)
{
    namespace fs = std::filesystem;
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
    // The whole folder at once: an interrupted run never leaves a checkpoint without its config.
    const auto written = writeDirectoryAtomically(dir, [&](const std::string& into) -> Result<bool> {
        auto weights = SafetensorsFile::write((fs::path(into) / "model.safetensors").string(), out,
                                              {{"format", "pt"}});
        if (!weights)
            return weights;
        for (const auto& [name, text] : files.textFiles)
            if (auto file = writeFileAtomically((fs::path(into) / name).string(), text); !file)
                return file;
        return true;
    });
    if (!written)
        throw ErrorException(written.error());
}

} // namespace headscope::core
