#include "model/detail/checkpoint_reader.h"

#include "io/safetensors_file.h"
#include "util/error.h"

#include <filesystem>
#include <fstream>

namespace headscope::core {

namespace fs = std::filesystem;

namespace {

void addSafetensors(Checkpoint& ckpt, const SafetensorsFile& file)
{
    auto owner = file.mappingOwner();
    for (const auto& view : file.tensors()) {
        if (view.dtype != DType::F32 && view.dtype != DType::F16 && view.dtype != DType::BF16 &&
            view.dtype != DType::F64) {
            ckpt.nonFloat.push_back(view.name);
            continue;
        }
        torch::Tensor t;
        const bool aligned = reinterpret_cast<uintptr_t>(view.data) % alignof(float) == 0;
        if (view.dtype == DType::F32 && aligned) {
            // Zero copy: the tensor keeps the mapping alive through its deleter.
            auto keep = new std::shared_ptr<const void>(owner);
            t = torch::from_blob(const_cast<std::byte*>(view.data), view.shape,
                                 [keep](void*) { delete keep; }, torch::TensorOptions().dtype(torch::kFloat32));
        } else {
            auto values = SafetensorsFile::toFloat32(view);
            t = torch::from_blob(values.data(), view.shape, torch::kFloat32).clone();
        }
        ckpt.tensors[view.name] = t;
    }
}

void readPytorchBin(Checkpoint& ckpt, const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(ErrorCode::FileNotFound, "cannot open the checkpoint", path);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 4 || bytes[0] != 'P' || bytes[1] != 'K')
        fail(ErrorCode::Unsupported,
             "not a zip-format torch.save file (legacy pickles are not read for safety); convert it to "
             "model.safetensors, e.g. with the safetensors package's save_file",
             path);
    torch::IValue value;
    try {
        value = torch::pickle_load(bytes);
    } catch (const std::exception& e) {
        std::string what = e.what();
        fail(ErrorCode::InvalidFile,
             "LibTorch could not read this pytorch_model.bin; convert it to model.safetensors", path,
             what.substr(0, what.find('\n')));
    }
    if (!value.isGenericDict())
        fail(ErrorCode::InvalidFile, "pytorch_model.bin does not hold a state dict", path);
    for (const auto& item : value.toGenericDict()) {
        if (!item.key().isString() || !item.value().isTensor())
            continue;
        auto t = item.value().toTensor();
        const auto name = item.key().toStringRef();
        if (!t.is_floating_point()) {
            ckpt.nonFloat.push_back(name);
            continue;
        }
        ckpt.tensors[name] = t.to(torch::kFloat32).contiguous();
    }
}

} // namespace

Checkpoint readCheckpoint(const std::string& dir)
{
    Checkpoint ckpt;
    const fs::path base(dir);
    const auto single = base / "model.safetensors";
    const auto index = base / "model.safetensors.index.json";
    const auto bin = base / "pytorch_model.bin";
    if (fs::exists(single)) {
        ckpt.path = single.string();
        auto file = SafetensorsFile::open(ckpt.path);
        if (!file)
            throw ErrorException(file.error());
        addSafetensors(ckpt, file.value());
    } else if (fs::exists(index)) {
        ckpt.path = index.string();
        auto shards = openShardedSafetensors(ckpt.path);
        if (!shards)
            throw ErrorException(shards.error());
        for (const auto& shard : shards.value())
            addSafetensors(ckpt, shard);
    } else if (fs::exists(bin)) {
        ckpt.path = bin.string();
        readPytorchBin(ckpt, ckpt.path);
    } else {
        fail(ErrorCode::FileNotFound,
             "no weights found (looked for model.safetensors, model.safetensors.index.json, pytorch_model.bin)", dir);
    }
    return ckpt;
}

} // namespace headscope::core
