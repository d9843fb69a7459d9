#include "model/detail/weight_names.h"
#include "model/detail/torch_helpers.h"

#include "io/safetensors_file.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace headscope::core {

namespace {

// Looks tensors up by name (with the old gamma/beta aliases) and checks their shapes.
class TensorFetcher
{
public:
    TensorFetcher(const Checkpoint& ckpt, std::string prefix) : m_ckpt(ckpt), m_prefix(std::move(prefix)) {}

    torch::Tensor get(const std::string& name, std::vector<int64_t> shape)
    {
        std::string full = m_prefix + name;
        auto it = m_ckpt.tensors.find(full);
        if (it == m_ckpt.tensors.end()) {
            for (auto [from, to] : {std::pair{".weight", ".gamma"}, std::pair{".bias", ".beta"}}) {
                const std::string f(from);
                if (full.size() > f.size() && full.compare(full.size() - f.size(), f.size(), f) == 0) {
                    auto alias = full.substr(0, full.size() - f.size()) + to;
                    it = m_ckpt.tensors.find(alias);
                    if (it != m_ckpt.tensors.end()) {
                        full = alias;
                        break;
                    }
                }
            }
        }
        if (it == m_ckpt.tensors.end())
            fail(ErrorCode::InvalidFile, "missing tensor '" + m_prefix + name + "'", m_ckpt.path);
        if (it->second.sizes() != c10::IntArrayRef(shape))
            fail(ErrorCode::ShapeMismatch,
                 "tensor '" + full + "' has shape " + shapeText(it->second.sizes()) + ", config.json implies " +
                     shapeText(shape),
                 m_ckpt.path);
        m_used.insert(full);
        return it->second;
    }

    bool has(const std::string& name) const { return m_ckpt.tensors.count(m_prefix + name) > 0; }
    const std::set<std::string>& used() const { return m_used; }

private:
    const Checkpoint& m_ckpt;
    std::string m_prefix;
    std::set<std::string> m_used;
};

struct LayerNames
{
    std::string q, k, v, o, ln1, w1, w2, ln2;
};

LayerNames layerNames(bool distil, int l)
{
    const std::string i = std::to_string(l);
    if (distil) {
        const std::string p = "transformer.layer." + i + ".";
        return {p + "attention.q_lin", p + "attention.k_lin", p + "attention.v_lin", p + "attention.out_lin",
                p + "sa_layer_norm",   p + "ffn.lin1",        p + "ffn.lin2",        p + "output_layer_norm"};
    }
    const std::string p = "encoder.layer." + i + ".";
    return {p + "attention.self.query", p + "attention.self.key", p + "attention.self.value",
            p + "attention.output.dense", p + "attention.output.LayerNorm", p + "intermediate.dense",
            p + "output.dense", p + "output.LayerNorm"};
}

std::vector<int> presentHeads(const ModelConfig& cfg, int layer)
{
    std::vector<int> heads;
    const auto& pruned = size_t(layer) < cfg.prunedHeads.size() ? cfg.prunedHeads[size_t(layer)] : std::vector<int>{};
    for (int h = 0; h < cfg.nHeads; ++h)
        if (std::find(pruned.begin(), pruned.end(), h) == pruned.end())
            heads.push_back(h);
    return heads;
}

} // namespace

void assignWeights(EncoderModel::Impl& impl, const Checkpoint& ckpt)
{
    const auto& cfg = impl.config;
    const bool distil = impl.isDistil();
    const std::string base = distil ? "distilbert." : "bert.";
    const std::string prefix = ckpt.tensors.count(base + "embeddings.word_embeddings.weight") ? base : "";
    TensorFetcher f(ckpt, prefix);
    const int64_t hdim = cfg.hiddenSize, d = cfg.headDim(), inter = cfg.intermediateSize;

    impl.wordEmb = f.get("embeddings.word_embeddings.weight", {cfg.vocabSize, hdim});
    impl.posEmb = f.get("embeddings.position_embeddings.weight", {cfg.maxPositionEmbeddings, hdim});
    if (!distil && cfg.typeVocabSize > 0)
        impl.typeEmb = f.get("embeddings.token_type_embeddings.weight", {cfg.typeVocabSize, hdim});
    impl.embLnG = f.get("embeddings.LayerNorm.weight", {hdim});
    impl.embLnB = f.get("embeddings.LayerNorm.bias", {hdim});

    impl.layers.clear();
    for (int l = 0; l < cfg.nLayers; ++l) {
        const auto n = layerNames(distil, l);
        EncoderLayerWeights w;
        w.heads = presentHeads(cfg, l);
        const int64_t width = int64_t(w.heads.size()) * d;
        auto q = f.get(n.q + ".weight", {width, hdim});
        auto k = f.get(n.k + ".weight", {width, hdim});
        auto v = f.get(n.v + ".weight", {width, hdim});
        w.wQkv = torch::cat({q, k, v}, 0).contiguous();
        w.bQkv = torch::cat({f.get(n.q + ".bias", {width}), f.get(n.k + ".bias", {width}), f.get(n.v + ".bias", {width})}, 0);
        w.wO = f.get(n.o + ".weight", {hdim, width});
        w.bO = f.get(n.o + ".bias", {hdim});
        w.ln1G = f.get(n.ln1 + ".weight", {hdim});
        w.ln1B = f.get(n.ln1 + ".bias", {hdim});
        w.w1 = f.get(n.w1 + ".weight", {inter, hdim});
        w.b1 = f.get(n.w1 + ".bias", {inter});
        w.w2 = f.get(n.w2 + ".weight", {hdim, inter});
        w.b2 = f.get(n.w2 + ".bias", {hdim});
        w.ln2G = f.get(n.ln2 + ".weight", {hdim});
        w.ln2B = f.get(n.ln2 + ".bias", {hdim});
        impl.layers.push_back(std::move(w));
    }

    // The classifier sits outside the base-model prefix.
    TensorFetcher top(ckpt, "");
    const int64_t nLabels = cfg.nLabels;
    if (distil) {
        impl.poolW = top.get("pre_classifier.weight", {hdim, hdim});
        impl.poolB = top.get("pre_classifier.bias", {hdim});
    } else {
        impl.poolW = f.get("pooler.dense.weight", {hdim, hdim});
        impl.poolB = f.get("pooler.dense.bias", {hdim});
    }
    if (!top.has("classifier.weight"))
        fail(ErrorCode::InvalidFile,
             "missing tensor 'classifier.weight': this is not a sequence-classification checkpoint "
             "(HeadScope needs BertForSequenceClassification or DistilBertForSequenceClassification)",
             ckpt.path);
    impl.clsW = top.get("classifier.weight", {nLabels, hdim});
    impl.clsB = top.get("classifier.bias", {nLabels});

    impl.ignoredTensors = ckpt.nonFloat;
    for (const auto& [name, t] : ckpt.tensors)
        if (!f.used().count(name) && !top.used().count(name))
            impl.ignoredTensors.push_back(name);
    if (!impl.ignoredTensors.empty())
        spdlog::info("{}: {} tensors not used by the classifier (e.g. {})", ckpt.path, impl.ignoredTensors.size(),
                     impl.ignoredTensors.front());
}

void pruneHeads(EncoderModel::Impl& impl, const HeadMask& keep)
{
    const int64_t d = impl.headDim();
    auto& cfg = impl.config;
    cfg.prunedHeads.resize(size_t(cfg.nLayers));
    for (int l = 0; l < cfg.nLayers; ++l) {
        auto& w = impl.layers[size_t(l)];
        const int64_t hp = w.nPresent();
        std::vector<int64_t> rows, cols;
        std::vector<int> kept;
        for (int64_t j = 0; j < hp; ++j) {
            const int h = w.heads[size_t(j)];
            if (!keep.isKept(l, h)) {
                cfg.prunedHeads[size_t(l)].push_back(h);
                continue;
            }
            kept.push_back(h);
            for (int64_t c = 0; c < d; ++c)
                cols.push_back(j * d + c);
        }
        if (int64_t(kept.size()) == hp)
            continue;
        for (int part = 0; part < 3; ++part)
            for (auto c : cols)
                rows.push_back(part * hp * d + c);
        auto opts = torch::TensorOptions().dtype(torch::kLong).device(w.wQkv.device());
        auto rowIdx = torch::tensor(rows, torch::kLong).to(opts.device());
        auto colIdx = torch::tensor(cols, torch::kLong).to(opts.device());
        w.wQkv = w.wQkv.index_select(0, rowIdx).contiguous();
        w.bQkv = w.bQkv.index_select(0, rowIdx).contiguous();
        w.wO = w.wO.index_select(1, colIdx).contiguous();
        w.heads = kept;
        auto& pr = cfg.prunedHeads[size_t(l)];
        std::sort(pr.begin(), pr.end());
        pr.erase(std::unique(pr.begin(), pr.end()), pr.end());
    }
}

void writeWeights(const EncoderModel::Impl& impl, const std::string& path)
{
    const bool distil = impl.isDistil();
    const std::string p = distil ? "distilbert." : "bert.";
    std::vector<std::pair<std::string, torch::Tensor>> named;
    auto add = [&](const std::string& name, const torch::Tensor& t) {
        named.emplace_back(name, t.to(torch::kCPU, torch::kFloat32).contiguous());
    };
    add(p + "embeddings.word_embeddings.weight", impl.wordEmb);
    add(p + "embeddings.position_embeddings.weight", impl.posEmb);
    if (impl.typeEmb.defined())
        add(p + "embeddings.token_type_embeddings.weight", impl.typeEmb);
    add(p + "embeddings.LayerNorm.weight", impl.embLnG);
    add(p + "embeddings.LayerNorm.bias", impl.embLnB);
    for (int l = 0; l < int(impl.layers.size()); ++l) {
        const auto& w = impl.layers[size_t(l)];
        const auto n = layerNames(distil, l);
        auto qkv = w.wQkv.chunk(3, 0);
        auto bqkv = w.bQkv.chunk(3, 0);
        const std::string* names[3] = {&n.q, &n.k, &n.v};
        for (int i = 0; i < 3; ++i) {
            add(p + *names[i] + ".weight", qkv[size_t(i)]);
            add(p + *names[i] + ".bias", bqkv[size_t(i)]);
        }
        add(p + n.o + ".weight", w.wO);
        add(p + n.o + ".bias", w.bO);
        add(p + n.ln1 + ".weight", w.ln1G);
        add(p + n.ln1 + ".bias", w.ln1B);
        add(p + n.w1 + ".weight", w.w1);
        add(p + n.w1 + ".bias", w.b1);
        add(p + n.w2 + ".weight", w.w2);
        add(p + n.w2 + ".bias", w.b2);
        add(p + n.ln2 + ".weight", w.ln2G);
        add(p + n.ln2 + ".bias", w.ln2B);
    }
    if (distil) {
        add("pre_classifier.weight", impl.poolW);
        add("pre_classifier.bias", impl.poolB);
    } else {
        add(p + "pooler.dense.weight", impl.poolW);
        add(p + "pooler.dense.bias", impl.poolB);
    }
    add("classifier.weight", impl.clsW);
    add("classifier.bias", impl.clsB);

    std::vector<SafetensorsFile::WriteTensor> out;
    for (const auto& [name, t] : named)
        out.push_back({name, t.sizes().vec(), t.data_ptr<float>()});
    auto ok = SafetensorsFile::write(path, out, {{"format", "pt"}});
    if (!ok)
        throw ErrorException(ok.error());
}

} // namespace headscope::core
