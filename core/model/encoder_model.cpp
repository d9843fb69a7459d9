#include "model/encoder_model.h"

#include "io/checkpoint_footprint.h"
#include "io/safetensors_file.h"
#include "model/detail/checkpoint_reader.h"
#include "model/detail/encoder_weights.h"
#include "model/detail/weight_names.h"
#include "util/atomic_file.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>

namespace headscope::core {

namespace fs = std::filesystem;

const char* precisionName(Precision p)
{
    switch (p) {
    case Precision::Float32: return "fp32";
    case Precision::BFloat16: return "bf16";
    case Precision::Float16: return "fp16";
    }
    return "fp32";
}

bool parsePrecision(const std::string& name, Precision& out)
{
    if (name == "fp32" || name == "float32") out = Precision::Float32;
    else if (name == "bf16" || name == "bfloat16") out = Precision::BFloat16;
    else if (name == "fp16" || name == "float16") out = Precision::Float16;
    else return false;
    return true;
}

torch::ScalarType scalarTypeOf(Precision p)
{
    switch (p) {
    case Precision::Float32: return torch::kFloat32;
    case Precision::BFloat16: return torch::kBFloat16;
    case Precision::Float16: return torch::kFloat16;
    }
    return torch::kFloat32;
}

torch::Device parseDevice(const std::string& name)
{
    if (name.empty() || name == "cpu")
        return torch::Device(torch::kCPU);
    if (name.rfind("cuda", 0) == 0) {
        if (!torch::cuda::is_available())
            fail(ErrorCode::InvalidArgument, "device '" + name + "' requested but LibTorch sees no CUDA device");
        int index = 0;
        if (name.size() > 5 && name[4] == ':') {
            try {
                index = std::stoi(name.substr(5));
            } catch (...) {
                fail(ErrorCode::InvalidArgument, "bad device name '" + name + "'");
            }
        } else if (name != "cuda") {
            fail(ErrorCode::InvalidArgument, "bad device name '" + name + "'");
        }
        if (index < 0 || index >= int(torch::cuda::device_count()))
            fail(ErrorCode::InvalidArgument, "no CUDA device " + std::to_string(index));
        return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index));
    }
    fail(ErrorCode::InvalidArgument, "unknown device '" + name + "' (use cpu, cuda or cuda:N)");
}

int64_t EncoderModel::Impl::parameterCount() const
{
    // Counted as Hugging Face does: every parameter tensor (buffers like position_ids excluded).
    int64_t n = wordEmb.numel() + posEmb.numel() + embLnG.numel() + embLnB.numel();
    if (typeEmb.defined())
        n += typeEmb.numel();
    for (const auto& l : layers) {
        n += l.wQkv.numel() + l.bQkv.numel() + l.wO.numel() + l.bO.numel() + l.ln1G.numel() + l.ln1B.numel();
        n += l.w1.numel() + l.b1.numel() + l.w2.numel() + l.b2.numel() + l.ln2G.numel() + l.ln2B.numel();
    }
    return n + poolW.numel() + poolB.numel() + clsW.numel() + clsB.numel();
}

std::unique_ptr<EncoderModel::Impl> EncoderModel::Impl::convertedTo(torch::Device dev, Precision p) const
{
    auto out = std::make_unique<Impl>(*this);
    out->device = dev;
    out->precision = p;
    out->dtype = scalarTypeOf(p);
    auto conv = [&](torch::Tensor& t) {
        if (t.defined())
            t = t.to(dev, out->dtype).contiguous();
    };
    for (auto* t : {&out->wordEmb, &out->posEmb, &out->typeEmb, &out->embLnG, &out->embLnB, &out->poolW,
                    &out->poolB, &out->clsW, &out->clsB})
        conv(*t);
    for (auto& l : out->layers)
        for (auto* t : {&l.wQkv, &l.bQkv, &l.wO, &l.bO, &l.ln1G, &l.ln1B, &l.w1, &l.b1, &l.w2, &l.b2, &l.ln2G, &l.ln2B})
            conv(*t);
    return out;
}

EncoderModel::EncoderModel(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
EncoderModel::~EncoderModel() = default;

Result<std::shared_ptr<const EncoderModel>> EncoderModel::load(const std::string& dir, const LoadOptions& options)
{
    return captureResult([&]() -> std::shared_ptr<const EncoderModel> {
        const auto start = std::chrono::steady_clock::now();
        if (!fs::is_directory(dir))
            fail(ErrorCode::FileNotFound, "model folder not found", dir);
        const auto configPath = (fs::path(dir) / "config.json").string();
        if (!fs::exists(configPath))
            fail(ErrorCode::FileNotFound, "no config.json in the model folder", dir);
        auto config = loadModelConfig(configPath);
        if (!config)
            throw ErrorException(config.error());
        auto tokenizer = WordPieceTokenizer::fromModelDir(dir);
        if (!tokenizer)
            throw ErrorException(tokenizer.error());
        if (options.nThreads > 0 || torchThreads() <= 1)
            setTorchThreads(options.nThreads);
        const torch::Device device = parseDevice(options.device);

        auto impl = std::make_unique<Impl>();
        impl->config = config.value();
        impl->tokenizer = std::move(tokenizer).value();
        impl->directory = dir;
        // Refuse before allocating: a model larger than the memory would otherwise end in the OOM
        // killer. Host memory only: a CUDA load converts on the device.
        const int bytesPerValue = device.is_cpu() && options.precision != Precision::Float32 ? 2 : 4;
        if (auto fits = checkCheckpointFits(dir, bytesPerValue, precisionName(options.precision)); !fits)
            throw ErrorException(fits.error());
        Checkpoint ckpt = readCheckpoint(dir);
        impl->weightsFile = ckpt.path;
        assignWeights(*impl, ckpt);
        if (device != impl->device || options.precision != Precision::Float32)
            impl = impl->convertedTo(device, options.precision);
        impl->loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        spdlog::info("loaded {} ({} layers, {} heads, {} parameters) from {} in {:.2f} s on {} ({})",
                     impl->config.modelType, impl->config.nLayers, impl->config.nHeads, impl->parameterCount(),
                     impl->weightsFile, impl->loadSeconds, impl->device.str(), precisionName(impl->precision));
        return std::make_shared<const EncoderModel>(std::move(impl));
    });
}

const std::string& EncoderModel::directory() const { return m_impl->directory; }
const std::string& EncoderModel::weightsFile() const { return m_impl->weightsFile; }
const ModelConfig& EncoderModel::config() const { return m_impl->config; }
const WordPieceTokenizer& EncoderModel::tokenizer() const { return m_impl->tokenizer; }
int EncoderModel::nLayers() const { return m_impl->config.nLayers; }
int EncoderModel::nHeads() const { return m_impl->config.nHeads; }
int64_t EncoderModel::parameterCount() const { return m_impl->parameterCount(); }
int64_t EncoderModel::weightBytes() const { return parameterCount() * int64_t(torch::elementSize(m_impl->dtype)); }
std::string EncoderModel::deviceName() const { return m_impl->device.str(); }
Precision EncoderModel::precision() const { return m_impl->precision; }
double EncoderModel::loadSeconds() const { return m_impl->loadSeconds; }
const std::vector<std::string>& EncoderModel::ignoredTensors() const { return m_impl->ignoredTensors; }

std::vector<int> EncoderModel::headsPerLayer() const
{
    std::vector<int> out;
    for (const auto& l : m_impl->layers)
        out.push_back(l.nPresent());
    return out;
}

bool EncoderModel::hasHead(int layer, int head) const
{
    if (layer < 0 || layer >= nLayers())
        return false;
    const auto& heads = m_impl->layers[size_t(layer)].heads;
    return std::binary_search(heads.begin(), heads.end(), head);
}

HeadMask EncoderModel::fullMask() const
{
    HeadMask mask(nLayers(), nHeads(), false);
    for (int l = 0; l < nLayers(); ++l)
        for (int h : m_impl->layers[size_t(l)].heads)
            mask.setKept(l, h, true);
    return mask;
}

Result<std::shared_ptr<const EncoderModel>> EncoderModel::to(const std::string& device, Precision precision) const
{
    return captureResult([&]() -> std::shared_ptr<const EncoderModel> {
        auto impl = m_impl->convertedTo(parseDevice(device), precision);
        return std::make_shared<const EncoderModel>(std::move(impl));
    });
}

Result<std::shared_ptr<const EncoderModel>> EncoderModel::pruned(const HeadMask& keep) const
{
    return captureResult([&]() -> std::shared_ptr<const EncoderModel> {
        if (keep.nLayers() != nLayers() || keep.nHeads() != nHeads())
            fail(ErrorCode::ShapeMismatch, "mask is for " + std::to_string(keep.nLayers()) + " layers x " +
                                               std::to_string(keep.nHeads()) + " heads, the model has " +
                                               std::to_string(nLayers()) + " x " + std::to_string(nHeads()));
        auto impl = std::make_unique<Impl>(*m_impl);
        pruneHeads(*impl, keep);
        return std::make_shared<const EncoderModel>(std::move(impl));
    });
}

Result<bool> EncoderModel::save(const std::string& dir) const
{
    // The whole folder is replaced at once, so saving over the model's own folder works too
    // (the tokenizer files are copied from it before the swap).
    return writeDirectoryAtomically(dir, [&](const std::string& into) -> Result<bool> {
        writeWeights(*m_impl, (fs::path(into) / "model.safetensors").string());
        if (auto cfg = writeFileAtomically((fs::path(into) / "config.json").string(), modelConfigToJson(m_impl->config));
            !cfg)
            return cfg;
        for (const char* name : {"vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"}) {
            const auto src = fs::path(m_impl->directory) / name;
            std::error_code ec;
            if (fs::exists(src, ec) && !fs::copy_file(src, fs::path(into) / name, ec))
                fail(ErrorCode::Runtime, "cannot copy " + std::string(name) + ": " + ec.message(), dir);
        }
        return true;
    });
}

void setTorchThreads(int nThreads)
{
    if (nThreads <= 0) {
        cpu_set_t set;
        nThreads = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
    }
    if (at::get_num_threads() != nThreads)
        at::set_num_threads(nThreads);
}

int torchThreads() { return at::get_num_threads(); }
bool cudaAvailable() { return torch::cuda::is_available(); }
int cudaDeviceCount() { return int(torch::cuda::device_count()); }

} // namespace headscope::core
