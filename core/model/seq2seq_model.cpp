#include "model/seq2seq_model.h"
#include "model/detail/torch_helpers.h"

#include "io/checkpoint_footprint.h"
#include "io/safetensors_file.h"
#include "model/detail/checkpoint_reader.h"
#include "model/detail/encoder_weights.h"
#include "model/detail/seq2seq_weights.h"
#include "util/atomic_file.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

namespace headscope::core {

namespace fs = std::filesystem;

namespace {

// Looks tensors up by their HF name and checks shapes against the config.
class Fetcher
{
public:
    explicit Fetcher(const Checkpoint& ckpt) : m_ckpt(ckpt) {}

    bool has(const std::string& name) const { return m_ckpt.tensors.count(name) > 0; }

    torch::Tensor get(const std::string& name, const std::vector<int64_t>& shape)
    {
        const auto it = m_ckpt.tensors.find(name);
        if (it == m_ckpt.tensors.end())
            fail(ErrorCode::InvalidFile, "missing tensor '" + name + "'", m_ckpt.path);
        if (it->second.sizes() != c10::IntArrayRef(shape))
            fail(ErrorCode::ShapeMismatch,
                 "tensor '" + name + "' has shape " + shapeText(it->second.sizes()) + ", config.json implies " +
                     shapeText(shape),
                 m_ckpt.path);
        m_used.insert(name);
        return it->second;
    }

    std::vector<std::string> unused() const
    {
        std::vector<std::string> out;
        for (const auto& [name, t] : m_ckpt.tensors)
            if (!m_used.count(name))
                out.push_back(name);
        out.insert(out.end(), m_ckpt.nonFloat.begin(), m_ckpt.nonFloat.end());
        return out;
    }

private:
    const Checkpoint& m_ckpt;
    std::set<std::string> m_used;
};

std::vector<int> presentHeads(int nHeads, const std::vector<int>& pruned)
{
    std::vector<int> heads;
    for (int h = 0; h < nHeads; ++h)
        if (!std::binary_search(pruned.begin(), pruned.end(), h))
            heads.push_back(h);
    return heads;
}

Seq2SeqAttentionWeights readAttention(Fetcher& f, const std::string& p, std::vector<int> heads, int64_t dim, int64_t d,
                                      const std::string& norm)
{
    Seq2SeqAttentionWeights a;
    a.heads = std::move(heads);
    const int64_t width = a.nPresent() * d;
    a.wQkv = torch::cat({f.get(p + "q_proj.weight", {width, dim}), f.get(p + "k_proj.weight", {width, dim}),
                         f.get(p + "v_proj.weight", {width, dim})},
                        0);
    a.bQkv = torch::cat({f.get(p + "q_proj.bias", {width}), f.get(p + "k_proj.bias", {width}),
                         f.get(p + "v_proj.bias", {width})},
                        0);
    a.wO = f.get(p + "out_proj.weight", {dim, width});
    a.bO = f.get(p + "out_proj.bias", {dim});
    a.lnG = f.get(norm + ".weight", {dim});
    a.lnB = f.get(norm + ".bias", {dim});
    return a;
}

// Keeps the heads of a whose mask is 1; returns false when nothing changed.
bool pruneAttention(Seq2SeqAttentionWeights& a, const HeadMask& keep, int layer, int64_t d)
{
    if (keep.empty())
        return false;
    std::vector<int> kept;
    std::vector<int64_t> cols;
    const int64_t hp = a.nPresent();
    for (int64_t j = 0; j < hp; ++j) {
        const int h = a.heads[size_t(j)];
        if (!keep.isKept(layer, h))
            continue;
        kept.push_back(h);
        for (int64_t c = 0; c < d; ++c)
            cols.push_back(j * d + c);
    }
    if (int64_t(kept.size()) == hp)
        return false;
    std::vector<int64_t> rows;
    for (int part = 0; part < 3; ++part)
        for (auto c : cols)
            rows.push_back(part * hp * d + c);
    const auto dev = a.wQkv.device();
    auto rowIdx = torch::tensor(rows, torch::kLong).to(dev);
    auto colIdx = torch::tensor(cols, torch::kLong).to(dev);
    a.wQkv = a.wQkv.index_select(0, rowIdx).contiguous();
    a.bQkv = a.bQkv.index_select(0, rowIdx).contiguous();
    a.wO = a.wO.index_select(1, colIdx).contiguous();
    a.heads = kept;
    return true;
}

void checkMaskShape(const HeadMask& m, const Seq2SeqConfig& c, AttentionType type)
{
    if (m.empty())
        return;
    if (m.nLayers() != c.nLayers(type) || m.nHeads() != c.nHeads(type))
        fail(ErrorCode::ShapeMismatch,
             std::string(attentionTypeName(type)) + " mask is for " + std::to_string(m.nLayers()) + " layers x " +
                 std::to_string(m.nHeads()) + " heads, the model has " + std::to_string(c.nLayers(type)) + " x " +
                 std::to_string(c.nHeads(type)));
}

void addAttentionTensors(std::vector<std::pair<std::string, torch::Tensor>>& named, const std::string& p,
                         const std::string& norm, const Seq2SeqAttentionWeights& a)
{
    auto add = [&](const std::string& name, const torch::Tensor& t) {
        named.emplace_back(name, t.to(torch::kCPU, torch::kFloat32).contiguous());
    };
    const auto w = a.wQkv.chunk(3, 0);
    const auto b = a.bQkv.chunk(3, 0);
    const char* names[3] = {"q_proj", "k_proj", "v_proj"};
    for (size_t i = 0; i < 3; ++i) {
        add(p + names[i] + ".weight", w[i]);
        add(p + names[i] + ".bias", b[i]);
    }
    add(p + "out_proj.weight", a.wO);
    add(p + "out_proj.bias", a.bO);
    add(norm + ".weight", a.lnG);
    add(norm + ".bias", a.lnB);
}

} // namespace

torch::Tensor marianSinusoidalPositions(int64_t nPositions, int64_t dim)
{
    // Computed in float64 and rounded once, as HF does with numpy before copying into the table.
    auto out = torch::empty({nPositions, dim}, torch::kFloat64);
    auto a = out.accessor<double, 2>();
    const int64_t half = dim / 2;
    for (int64_t pos = 0; pos < nPositions; ++pos)
        for (int64_t j = 0; j < half; ++j) {
            const double angle = double(pos) / std::pow(10000.0, double(2 * j) / double(dim));
            a[pos][j] = std::sin(angle);
            a[pos][half + j] = std::cos(angle);
        }
    return out.to(torch::kFloat32);
}

double Seq2SeqModel::Impl::embedScale() const
{
    return config.scaleEmbedding ? std::sqrt(double(config.dModel)) : 1.0;
}

const Seq2SeqAttentionWeights& Seq2SeqModel::Impl::attention(AttentionType type, int layer) const
{
    switch (type) {
    case AttentionType::EncoderSelf: return encoder[size_t(layer)].self;
    case AttentionType::EncoderDecoder: return decoder[size_t(layer)].cross;
    case AttentionType::DecoderSelf: return decoder[size_t(layer)].self;
    }
    return encoder[size_t(layer)].self;
}

int64_t Seq2SeqModel::Impl::parameterCount() const
{
    // The shared embedding once, the tied head not again, final_logits_bias; the static
    // sinusoidal tables are not learned and not counted.
    int64_t n = encoderEmbedding.numel() + finalLogitsBias.numel();
    if (!decoderEmbedding.is_same(encoderEmbedding))
        n += decoderEmbedding.numel();
    if (!lmHead.is_same(decoderEmbedding))
        n += lmHead.numel();
    auto att = [](const Seq2SeqAttentionWeights& a) {
        return a.wQkv.numel() + a.bQkv.numel() + a.wO.numel() + a.bO.numel() + a.lnG.numel() + a.lnB.numel();
    };
    for (const auto* stack : {&encoder, &decoder})
        for (const auto& l : *stack) {
            n += att(l.self) + l.w1.numel() + l.b1.numel() + l.w2.numel() + l.b2.numel() + l.lnG.numel() + l.lnB.numel();
            if (l.cross.wQkv.defined())
                n += att(l.cross);
        }
    return n;
}

std::unique_ptr<Seq2SeqModel::Impl> Seq2SeqModel::Impl::convertedTo(torch::Device dev, Precision p) const
{
    auto out = std::make_unique<Impl>(*this);
    out->device = dev;
    out->precision = p;
    out->dtype = scalarTypeOf(p);
    auto conv = [&](torch::Tensor& t) {
        if (t.defined())
            t = t.to(dev, out->dtype).contiguous();
    };
    // Keep the tying: convert once, then share.
    const bool decShared = decoderEmbedding.is_same(encoderEmbedding);
    const bool headTied = lmHead.is_same(decoderEmbedding);
    conv(out->encoderEmbedding);
    if (decShared)
        out->decoderEmbedding = out->encoderEmbedding;
    else
        conv(out->decoderEmbedding);
    if (headTied)
        out->lmHead = out->decoderEmbedding;
    else
        conv(out->lmHead);
    for (auto* t : {&out->finalLogitsBias, &out->encoderPositions, &out->decoderPositions})
        conv(*t);
    auto convAtt = [&](Seq2SeqAttentionWeights& a) {
        for (auto* t : {&a.wQkv, &a.bQkv, &a.wO, &a.bO, &a.lnG, &a.lnB})
            conv(*t);
    };
    for (auto* stack : {&out->encoder, &out->decoder})
        for (auto& l : *stack) {
            convAtt(l.self);
            convAtt(l.cross);
            for (auto* t : {&l.w1, &l.b1, &l.w2, &l.b2, &l.lnG, &l.lnB})
                conv(*t);
        }
    return out;
}

void assignSeq2SeqWeights(Seq2SeqModel::Impl& impl, const Checkpoint& ckpt)
{
    const auto& c = impl.config;
    Fetcher f(ckpt);
    const int64_t dim = c.dModel, d = c.headDim();
    if (f.has("model.shared.weight")) {
        impl.encoderEmbedding = f.get("model.shared.weight", {c.vocabSize, dim});
        impl.decoderEmbedding = impl.encoderEmbedding;
    } else {
        impl.encoderEmbedding = f.get("model.encoder.embed_tokens.weight", {c.vocabSize, dim});
        impl.decoderEmbedding = f.get("model.decoder.embed_tokens.weight", {c.decoderVocabSize, dim});
    }
    if (impl.decoderEmbedding.size(0) != c.decoderVocabSize)
        fail(ErrorCode::ShapeMismatch, "the decoder embedding does not have decoder_vocab_size rows", ckpt.path);
    // lm_head.weight is a tied copy in most checkpoints; when present it is what HF uses.
    impl.lmHead = f.has("lm_head.weight") ? f.get("lm_head.weight", {c.decoderVocabSize, dim}) : impl.decoderEmbedding;
    impl.finalLogitsBias = f.has("final_logits_bias")
                               ? f.get("final_logits_bias", {1, c.decoderVocabSize}).reshape({-1})
                               : torch::zeros({c.decoderVocabSize}, torch::kFloat32);
    // HF loads the stored tables when present (they equal the formula in converted checkpoints).
    const int64_t maxPos = c.maxPositionEmbeddings;
    impl.encoderPositions = f.has("model.encoder.embed_positions.weight")
                                ? f.get("model.encoder.embed_positions.weight", {maxPos, dim})
                                : marianSinusoidalPositions(maxPos, dim);
    impl.decoderPositions = f.has("model.decoder.embed_positions.weight")
                                ? f.get("model.decoder.embed_positions.weight", {maxPos, dim})
                                : marianSinusoidalPositions(maxPos, dim);

    for (int decoder = 0; decoder < 2; ++decoder) {
        const int nLayers = decoder ? c.decoderLayers : c.encoderLayers;
        const int64_t ffn = decoder ? c.decoderFfnDim : c.encoderFfnDim;
        auto& stack = decoder ? impl.decoder : impl.encoder;
        stack.clear();
        for (int l = 0; l < nLayers; ++l) {
            const std::string p = std::string(decoder ? "model.decoder" : "model.encoder") + ".layers." +
                                  std::to_string(l) + ".";
            Seq2SeqLayerWeights w;
            const auto selfType = decoder ? AttentionType::DecoderSelf : AttentionType::EncoderSelf;
            w.self = readAttention(f, p + "self_attn.", presentHeads(c.nHeads(selfType), c.prunedHeads(selfType)[size_t(l)]),
                                   dim, d, p + "self_attn_layer_norm");
            if (decoder)
                w.cross = readAttention(
                    f, p + "encoder_attn.",
                    presentHeads(c.decoderHeads, c.prunedHeads(AttentionType::EncoderDecoder)[size_t(l)]), dim, d,
                    p + "encoder_attn_layer_norm");
            w.w1 = f.get(p + "fc1.weight", {ffn, dim});
            w.b1 = f.get(p + "fc1.bias", {ffn});
            w.w2 = f.get(p + "fc2.weight", {dim, ffn});
            w.b2 = f.get(p + "fc2.bias", {dim});
            w.lnG = f.get(p + "final_layer_norm.weight", {dim});
            w.lnB = f.get(p + "final_layer_norm.bias", {dim});
            stack.push_back(std::move(w));
        }
    }
    impl.ignoredTensors = f.unused();
    for (const auto& name : impl.ignoredTensors)
        if (name.find(".layers.") != std::string::npos)
            fail(ErrorCode::InvalidFile, "the checkpoint has a layer tensor the config does not describe", ckpt.path,
                 "tensor '" + name + "'");
}

Seq2SeqModel::Seq2SeqModel(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Seq2SeqModel::~Seq2SeqModel() = default;

Result<std::shared_ptr<const Seq2SeqModel>> Seq2SeqModel::load(const std::string& dir, const LoadOptions& options)
{
    return captureResult([&]() -> std::shared_ptr<const Seq2SeqModel> {
        const auto start = std::chrono::steady_clock::now();
        auto config = loadSeq2SeqConfig(dir);
        if (!config)
            throw ErrorException(config.error());
        auto tokenizer = MarianTokenizer::fromModelDir(dir, config.value());
        if (!tokenizer)
            throw ErrorException(tokenizer.error());
        if (options.nThreads > 0 || torchThreads() <= 1)
            setTorchThreads(options.nThreads);
        const torch::Device device = parseDevice(options.device);

        auto impl = std::make_unique<Impl>();
        impl->config = std::move(config).value();
        impl->tokenizer = std::move(tokenizer).value();
        impl->directory = dir;
        // Refuse before allocating: a model larger than the memory would otherwise end in the OOM
        // killer. Host memory only: a CUDA load converts on the device.
        const int bytesPerValue = device.is_cpu() && options.precision != Precision::Float32 ? 2 : 4;
        if (auto fits = checkCheckpointFits(dir, bytesPerValue, precisionName(options.precision)); !fits)
            throw ErrorException(fits.error());
        const Checkpoint ckpt = readCheckpoint(dir);
        impl->weightsFile = ckpt.path;
        assignSeq2SeqWeights(*impl, ckpt);
        impl = impl->convertedTo(device, options.precision);
        impl->loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        spdlog::info("loaded {} ({}+{} layers, {} heads, {} parameters) from {} in {:.2f} s on {} ({})",
                     impl->config.modelType, impl->config.encoderLayers, impl->config.decoderLayers,
                     impl->config.encoderHeads, impl->parameterCount(), impl->weightsFile, impl->loadSeconds,
                     impl->device.str(), precisionName(impl->precision));
        return std::make_shared<const Seq2SeqModel>(std::move(impl));
    });
}

const std::string& Seq2SeqModel::directory() const { return m_impl->directory; }
const std::string& Seq2SeqModel::weightsFile() const { return m_impl->weightsFile; }
const Seq2SeqConfig& Seq2SeqModel::config() const { return m_impl->config; }
const MarianTokenizer& Seq2SeqModel::tokenizer() const { return m_impl->tokenizer; }
int Seq2SeqModel::nLayers(AttentionType type) const { return m_impl->config.nLayers(type); }
int Seq2SeqModel::nHeads(AttentionType type) const { return m_impl->config.nHeads(type); }
int64_t Seq2SeqModel::parameterCount() const { return m_impl->parameterCount(); }
std::string Seq2SeqModel::deviceName() const { return m_impl->device.str(); }
Precision Seq2SeqModel::precision() const { return m_impl->precision; }
double Seq2SeqModel::loadSeconds() const { return m_impl->loadSeconds; }
const std::vector<std::string>& Seq2SeqModel::ignoredTensors() const { return m_impl->ignoredTensors; }

std::vector<int> Seq2SeqModel::headsPerLayer(AttentionType type) const
{
    std::vector<int> out;
    for (int l = 0; l < nLayers(type); ++l)
        out.push_back(m_impl->attention(type, l).nPresent());
    return out;
}

bool Seq2SeqModel::hasHead(AttentionType type, int layer, int head) const
{
    if (layer < 0 || layer >= nLayers(type))
        return false;
    const auto& heads = m_impl->attention(type, layer).heads;
    return std::binary_search(heads.begin(), heads.end(), head);
}

Seq2SeqMasks Seq2SeqModel::fullMasks() const
{
    Seq2SeqMasks masks;
    for (AttentionType type : kSeq2SeqAttentionTypes) {
        HeadMask m(nLayers(type), nHeads(type), false);
        for (int l = 0; l < nLayers(type); ++l)
            for (int h : m_impl->attention(type, l).heads)
                m.setKept(l, h, true);
        masks.of(type) = m;
    }
    return masks;
}

Result<std::shared_ptr<const Seq2SeqModel>> Seq2SeqModel::to(const std::string& device, Precision precision) const
{
    return captureResult([&]() -> std::shared_ptr<const Seq2SeqModel> {
        return std::make_shared<const Seq2SeqModel>(m_impl->convertedTo(parseDevice(device), precision));
    });
}

Result<std::shared_ptr<const Seq2SeqModel>> Seq2SeqModel::pruned(const Seq2SeqMasks& keep) const
{
    return captureResult([&]() -> std::shared_ptr<const Seq2SeqModel> {
        auto impl = std::make_unique<Impl>(*m_impl);
        auto& c = impl->config;
        const int64_t d = c.headDim();
        for (AttentionType type : kSeq2SeqAttentionTypes) {
            const HeadMask& m = keep.of(type);
            checkMaskShape(m, c, type);
            for (int l = 0; l < c.nLayers(type); ++l) {
                auto& a = type == AttentionType::EncoderSelf    ? impl->encoder[size_t(l)].self
                          : type == AttentionType::EncoderDecoder ? impl->decoder[size_t(l)].cross
                                                                  : impl->decoder[size_t(l)].self;
                if (!pruneAttention(a, m, l, d))
                    continue;
                auto& list = c.prunedHeads(type)[size_t(l)];
                list = presentHeads(c.nHeads(type), {});
                list.erase(std::remove_if(list.begin(), list.end(),
                                          [&](int h) { return std::binary_search(a.heads.begin(), a.heads.end(), h); }),
                           list.end());
            }
        }
        return std::make_shared<const Seq2SeqModel>(std::move(impl));
    });
}

Result<bool> Seq2SeqModel::save(const std::string& dir, bool f16) const
{
    // The whole folder is replaced at once (see EncoderModel::save).
    return writeDirectoryAtomically(dir, [&](const std::string& into) -> Result<bool> {
        const auto& m = *m_impl;
        std::vector<std::pair<std::string, torch::Tensor>> named;
        auto add = [&](const std::string& name, const torch::Tensor& t) {
            named.emplace_back(name, t.to(torch::kCPU, torch::kFloat32).contiguous());
        };
        if (m.decoderEmbedding.is_same(m.encoderEmbedding)) {
            add("model.shared.weight", m.encoderEmbedding);
        } else {
            add("model.encoder.embed_tokens.weight", m.encoderEmbedding);
            add("model.decoder.embed_tokens.weight", m.decoderEmbedding);
        }
        if (!m.lmHead.is_same(m.decoderEmbedding))
            add("lm_head.weight", m.lmHead);
        add("final_logits_bias", m.finalLogitsBias.view({1, -1}));
        add("model.encoder.embed_positions.weight", m.encoderPositions);
        add("model.decoder.embed_positions.weight", m.decoderPositions);
        for (int decoder = 0; decoder < 2; ++decoder) {
            const auto& stack = decoder ? m.decoder : m.encoder;
            for (size_t l = 0; l < stack.size(); ++l) {
                const auto& w = stack[l];
                const std::string p = std::string(decoder ? "model.decoder" : "model.encoder") + ".layers." +
                                      std::to_string(l) + ".";
                addAttentionTensors(named, p + "self_attn.", p + "self_attn_layer_norm", w.self);
                if (decoder)
                    addAttentionTensors(named, p + "encoder_attn.", p + "encoder_attn_layer_norm", w.cross);
                add(p + "fc1.weight", w.w1);
                add(p + "fc1.bias", w.b1);
                add(p + "fc2.weight", w.w2);
                add(p + "fc2.bias", w.b2);
                add(p + "final_layer_norm.weight", w.lnG);
                add(p + "final_layer_norm.bias", w.lnB);
            }
        }
        std::vector<SafetensorsFile::WriteTensor> out;
        for (const auto& [name, t] : named)
            out.push_back({name, t.sizes().vec(), t.data_ptr<float>(), f16 ? DType::F16 : DType::F32});
        auto ok = SafetensorsFile::write((fs::path(into) / "model.safetensors").string(), out, {{"format", "pt"}});
        if (!ok)
            return ok;
        if (auto cfg = writeFileAtomically((fs::path(into) / "config.json").string(), seq2SeqConfigToJson(m.config));
            !cfg)
            return cfg;
        for (const char* name : {"generation_config.json", "source.spm", "target.spm", "vocab.json",
                                 "tokenizer_config.json", "special_tokens_map.json"}) {
            const auto src = fs::path(m.directory) / name;
            std::error_code ec;
            if (fs::exists(src, ec) && !fs::copy_file(src, fs::path(into) / name, ec))
                fail(ErrorCode::Runtime, "cannot copy " + std::string(name) + ": " + ec.message(), dir);
        }
        return true;
    });
}

} // namespace headscope::core
