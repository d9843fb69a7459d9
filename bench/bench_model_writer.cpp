#include "bench_model_writer.h"
#include "io/bert_classifier_config.h"

#include "io/model_config.h"
#include "io/safetensors_file.h"
#include "util/atomic_file.h"

#include <chrono>
#include <filesystem>
#include <random>
#include <vector>

namespace headscope::bench {

namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;

namespace {

struct NamedTensor
{
    std::string name;
    std::vector<int64_t> shape;
    std::vector<float> values;
};

class TensorMaker
{
public:
    explicit TensorMaker(const BenchModelSpec& spec) : m_rng(spec.seed), m_normal(0.0f, spec.initStd) {}

    void random(const std::string& name, std::vector<int64_t> shape)
    {
        auto& t = add(name, std::move(shape));
        for (float& v : t.values)
            v = m_normal(m_rng);
    }
    void constant(const std::string& name, std::vector<int64_t> shape, float value)
    {
        auto& t = add(name, std::move(shape));
        std::fill(t.values.begin(), t.values.end(), value);
    }
    // Linear layer: random weight [out, in], zero bias (BERT's initialiser).
    void linear(const std::string& prefix, int64_t out, int64_t in)
    {
        random(prefix + ".weight", {out, in});
        constant(prefix + ".bias", {out}, 0.0f);
    }
    void layerNorm(const std::string& prefix, int64_t n)
    {
        constant(prefix + ".weight", {n}, 1.0f);
        constant(prefix + ".bias", {n}, 0.0f);
    }
    const std::vector<NamedTensor>& tensors() const { return m_tensors; }

private:
    NamedTensor& add(const std::string& name, std::vector<int64_t> shape)
    {
        int64_t n = 1;
        for (auto s : shape)
            n *= s;
        m_tensors.push_back({name, std::move(shape), std::vector<float>(size_t(n))});
        return m_tensors.back();
    }
    std::mt19937_64 m_rng;
    std::normal_distribution<float> m_normal;
    std::vector<NamedTensor> m_tensors;
};

core::ModelConfig configOf(const BenchModelSpec& spec)
{
    std::vector<std::string> labels;
    for (int i = 0; i < spec.nLabels; ++i)
        labels.push_back("LABEL_" + std::to_string(i));
    return core::bertClassifierConfig({spec.nLayers, spec.nHeads, spec.hiddenSize, spec.intermediateSize,
                                       spec.maxPositions, spec.vocabSize, int(kPadId), labels});
}

} // namespace

core::Result<BenchModelInfo> writeBenchModel(const std::string& dir, const BenchModelSpec& spec)
{
    return core::captureResult([&]() -> BenchModelInfo {
        const auto start = std::chrono::steady_clock::now();
        const fs::path base(dir);
        BenchModelInfo info;
        if (fs::exists(base / "config.json") && fs::exists(base / "model.safetensors") && fs::exists(base / "vocab.txt")) {
            info.reused = true;
            return info;
        }
        if (spec.vocabSize <= int(kFirstWordId) || spec.hiddenSize % spec.nHeads != 0)
            core::fail(ErrorCode::InvalidArgument, "bench model: vocabulary too small or hidden size not divisible by heads");
        const int64_t h = spec.hiddenSize, inter = spec.intermediateSize;
        TensorMaker make(spec);
        make.random("bert.embeddings.word_embeddings.weight", {spec.vocabSize, h});
        make.random("bert.embeddings.position_embeddings.weight", {spec.maxPositions, h});
        make.random("bert.embeddings.token_type_embeddings.weight", {2, h});
        make.layerNorm("bert.embeddings.LayerNorm", h);
        for (int l = 0; l < spec.nLayers; ++l) {
            const std::string p = "bert.encoder.layer." + std::to_string(l) + ".";
            make.linear(p + "attention.self.query", h, h);
            make.linear(p + "attention.self.key", h, h);
            make.linear(p + "attention.self.value", h, h);
            make.linear(p + "attention.output.dense", h, h);
            make.layerNorm(p + "attention.output.LayerNorm", h);
            make.linear(p + "intermediate.dense", inter, h);
            make.linear(p + "output.dense", h, inter);
            make.layerNorm(p + "output.LayerNorm", h);
        }
        make.linear("bert.pooler.dense", h, h);
        make.linear("classifier", spec.nLabels, h);

        std::vector<core::SafetensorsFile::WriteTensor> out;
        for (const auto& t : make.tensors()) {
            out.push_back({t.name, t.shape, t.values.data()});
            info.nParameters += int64_t(t.values.size());
        }
        std::string vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";
        for (int i = int(kFirstWordId); i < spec.vocabSize; ++i)
            vocab += "w" + std::to_string(i) + "\n";
        // The folder appears complete or not at all, so an interrupted run is never "reused".
        auto written = core::writeDirectoryAtomically(dir, [&](const std::string& into) -> core::Result<bool> {
            const fs::path folder(into);
            if (auto ok = core::SafetensorsFile::write((folder / "model.safetensors").string(), out, {{"format", "pt"}}); !ok)
                return ok;
            if (auto ok = core::writeFileAtomically((folder / "config.json").string(),
                                                    core::modelConfigToJson(configOf(spec)));
                !ok)
                return ok;
            return core::writeFileAtomically((folder / "vocab.txt").string(), vocab);
        });
        if (!written)
            throw core::ErrorException(written.error());
        info.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return info;
    });
}

} // namespace headscope::bench
