#include "tiny_bert_writer.h"

#include "tiny_random.h"
#include "util/error.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <set>

namespace headscope::testing {

using core::ErrorCode;
using core::fail;
using nlohmann::json;

int TinyBertSpec::effectiveVocabSize() const
{
    return vocabSize > 0 ? vocabSize : int(tinyVocab().size());
}

bool TinyBertSpec::isPruned(int layer, int head) const
{
    if (layer < 0 || size_t(layer) >= prunedHeads.size()) return false;
    const auto& p = prunedHeads[size_t(layer)];
    return std::find(p.begin(), p.end(), head) != p.end();
}

std::vector<int> TinyBertSpec::presentHeads(int layer) const
{
    std::vector<int> heads;
    for (int h = 0; h < nHeads; ++h)
        if (!isPruned(layer, h)) heads.push_back(h);
    return heads;
}

const RefTensor& TinyBertWeights::get(const std::string& name) const
{
    const auto it = tensors.find(name);
    if (it == tensors.end()) fail(ErrorCode::InvalidArgument, "tensor missing from the tiny model", {}, name);
    return it->second;
}

TinyLayerNames tinyLayerNames(const TinyBertSpec& spec, int layer)
{
    const std::string i = std::to_string(layer);
    if (spec.isDistilBert()) {
        const std::string p = "distilbert.transformer.layer." + i + ".";
        return {p + "attention.q_lin", p + "attention.k_lin", p + "attention.v_lin", p + "attention.out_lin",
                p + "sa_layer_norm",   p + "ffn.lin1",        p + "ffn.lin2",        p + "output_layer_norm"};
    }
    const std::string p = "bert.encoder.layer." + i + ".";
    return {p + "attention.self.query",
            p + "attention.self.key",
            p + "attention.self.value",
            p + "attention.output.dense",
            p + "attention.output.LayerNorm",
            p + "intermediate.dense",
            p + "output.dense",
            p + "output.LayerNorm"};
}

TinyModelNames tinyModelNames(const TinyBertSpec& spec)
{
    if (spec.isDistilBert())
        return {"distilbert.embeddings.word_embeddings",
                "distilbert.embeddings.position_embeddings",
                "",
                "distilbert.embeddings.LayerNorm",
                "pre_classifier",
                "classifier"};
    return {"bert.embeddings.word_embeddings",
            "bert.embeddings.position_embeddings",
            "bert.embeddings.token_type_embeddings",
            "bert.embeddings.LayerNorm",
            "bert.pooler.dense",
            "classifier"};
}

namespace {

void validate(const TinyBertSpec& spec)
{
    if (spec.modelType != "bert" && spec.modelType != "distilbert")
        fail(ErrorCode::InvalidArgument, "tiny model type must be bert or distilbert", {}, spec.modelType);
    if (spec.nLayers < 1 || spec.nHeads < 1 || spec.hidden % spec.nHeads != 0 || spec.nLabels < 1)
        fail(ErrorCode::InvalidArgument, "tiny model sizes are inconsistent");
    if (spec.prunedHeads.size() > size_t(spec.nLayers))
        fail(ErrorCode::InvalidArgument, "prunedHeads has more layers than the model");
    for (const auto& layer : spec.prunedHeads)
        for (int h : layer)
            if (h < 0 || h >= spec.nHeads)
                fail(ErrorCode::InvalidArgument, "pruned head index out of range", {}, std::to_string(h));
    if (spec.isDistilBert() && spec.layerNormEps != 1e-12)
        fail(ErrorCode::InvalidArgument, "distilbert's LayerNorm eps is fixed at 1e-12");
}

// Each tensor gets its own stream, so adding or removing tensors never changes the others.
uint64_t nameSeed(uint64_t seed, const std::string& name)
{
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : name)
        h = (h ^ c) * 1099511628211ULL;
    return h ^ (seed * 0x9e3779b97f4a7c15ULL);
}

enum class Init
{
    Uniform,
    NormWeight,
    NormBias
};

void addTensor(RefTensorMap& out, const TinyBertSpec& spec, const std::string& name,
               std::vector<int64_t> shape, Init init, double scale)
{
    RefTensor t;
    t.shape = std::move(shape);
    t.values.resize(size_t(t.numel()));
    TinyRandom rng(nameSeed(spec.seed, name));
    for (double& v : t.values) {
        const double u = rng.symmetric();
        const double x = init == Init::NormWeight ? 1.0 + 0.1 * u
                         : init == Init::NormBias ? 0.1 * u
                                                  : scale * u;
        v = double(float(x));
    }
    out.emplace(name, std::move(t));
}

void addLinear(RefTensorMap& out, const TinyBertSpec& spec, const std::string& stem, int64_t nOut,
               int64_t nIn, double scale)
{
    addTensor(out, spec, stem + ".weight", {nOut, nIn}, Init::Uniform, scale);
    addTensor(out, spec, stem + ".bias", {nOut}, Init::Uniform, 0.5 * scale);
}

void addNorm(RefTensorMap& out, const TinyBertSpec& spec, const std::string& stem, int64_t n)
{
    addTensor(out, spec, stem + ".weight", {n}, Init::NormWeight, 0);
    addTensor(out, spec, stem + ".bias", {n}, Init::NormBias, 0);
}

TinyBertWeights makeFullWeights(const TinyBertSpec& spec)
{
    const double s = spec.weightScale;
    const int64_t H = spec.hidden;
    const int64_t P = spec.maxPositions;
    RefTensorMap t;
    const TinyModelNames n = tinyModelNames(spec);
    addTensor(t, spec, n.wordEmb + ".weight", {spec.effectiveVocabSize(), H}, Init::Uniform, s);
    addTensor(t, spec, n.posEmb + ".weight", {P, H}, Init::Uniform, s);
    if (!spec.isDistilBert()) {
        addTensor(t, spec, n.typeEmb + ".weight", {spec.typeVocab, H}, Init::Uniform, s);
        RefTensor ids;
        ids.dtype = "I64";
        ids.shape = {1, P};
        for (int64_t i = 0; i < P; ++i)
            ids.values.push_back(double(i));
        t.emplace("bert.embeddings.position_ids", std::move(ids));
    }
    addNorm(t, spec, n.embNorm, H);
    for (int l = 0; l < spec.nLayers; ++l) {
        const TinyLayerNames ln = tinyLayerNames(spec, l);
        // Larger query/key weights keep the attention away from uniform (entropy tests need that).
        addLinear(t, spec, ln.query, H, H, 2 * s);
        addLinear(t, spec, ln.key, H, H, 2 * s);
        addLinear(t, spec, ln.value, H, H, s);
        addLinear(t, spec, ln.attnOut, H, H, s);
        addNorm(t, spec, ln.attnNorm, H);
        addLinear(t, spec, ln.ffnIn, spec.intermediate, H, s);
        addLinear(t, spec, ln.ffnOut, H, spec.intermediate, s);
        addNorm(t, spec, ln.ffnNorm, H);
    }
    addLinear(t, spec, n.pooler, H, H, s);
    addLinear(t, spec, n.classifier, spec.nLabels, H, 2 * s);
    return TinyBertWeights{std::move(t)};
}

// Keeps rows (dim 0) or columns (dim 1) of a 1-D/2-D tensor whose index / blockSize is in blocks.
RefTensor keepBlocks(const RefTensor& in, int dim, const std::vector<int>& blocks, int blockSize)
{
    RefTensor out = in;
    const int64_t rows = in.shape[0];
    const int64_t cols = in.shape.size() > 1 ? in.shape[1] : 1;
    std::vector<int64_t> keep;
    for (int b : blocks)
        for (int i = 0; i < blockSize; ++i)
            keep.push_back(int64_t(b) * blockSize + i);
    out.values.clear();
    if (dim == 0) {
        for (int64_t r : keep)
            for (int64_t c = 0; c < cols; ++c)
                out.values.push_back(in.values[size_t(r * cols + c)]);
        out.shape[0] = int64_t(keep.size());
    } else {
        for (int64_t r = 0; r < rows; ++r)
            for (int64_t c : keep)
                out.values.push_back(in.values[size_t(r * cols + c)]);
        out.shape[1] = int64_t(keep.size());
    }
    return out;
}

std::string readText(const std::string& path)
{
    std::ifstream in(path);
    if (!in) fail(ErrorCode::FileNotFound, "cannot open file", path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::trunc);
    if (!out) fail(ErrorCode::FileNotFound, "cannot create file", path);
    out << text;
}

} // namespace

TinyBertModel pruneHeads(const TinyBertModel& model, const std::vector<std::vector<int>>& heads)
{
    const TinyBertSpec& spec = model.spec;
    if (heads.size() > size_t(spec.nLayers))
        fail(ErrorCode::InvalidArgument, "heads to prune list more layers than the model");
    TinyBertModel out = model;
    out.spec.prunedHeads.resize(size_t(spec.nLayers));
    const int d = spec.headDim();
    for (int l = 0; l < int(heads.size()); ++l) {
        const std::vector<int> present = spec.presentHeads(l);
        std::set<int> removed;
        if (size_t(l) < spec.prunedHeads.size())
            removed.insert(spec.prunedHeads[size_t(l)].begin(), spec.prunedHeads[size_t(l)].end());
        for (int h : heads[size_t(l)]) {
            if (h < 0 || h >= spec.nHeads)
                fail(ErrorCode::InvalidArgument, "head to prune out of range", {}, std::to_string(h));
            removed.insert(h);
        }
        std::vector<int> keepPositions; // positions j among the currently present heads
        for (size_t j = 0; j < present.size(); ++j)
            if (!removed.count(present[j])) keepPositions.push_back(int(j));
        const TinyLayerNames n = tinyLayerNames(spec, l);
        for (const std::string* stem : {&n.query, &n.key, &n.value})
            for (const char* part : {".weight", ".bias"})
                out.weights.tensors[*stem + part] =
                    keepBlocks(model.weights.get(*stem + part), 0, keepPositions, d);
        out.weights.tensors[n.attnOut + ".weight"] =
            keepBlocks(model.weights.get(n.attnOut + ".weight"), 1, keepPositions, d);
        out.spec.prunedHeads[size_t(l)].assign(removed.begin(), removed.end());
    }
    while (!out.spec.prunedHeads.empty() && out.spec.prunedHeads.back().empty())
        out.spec.prunedHeads.pop_back();
    return out;
}

TinyBertModel makeTinyBert(const TinyBertSpec& spec)
{
    validate(spec);
    TinyBertModel full;
    full.spec = spec;
    full.spec.prunedHeads.clear();
    full.weights = makeFullWeights(full.spec);
    return spec.prunedHeads.empty() ? full : pruneHeads(full, spec.prunedHeads);
}

std::string tinyBertConfigJson(const TinyBertSpec& spec)
{
    json id2label = json::object();
    json label2id = json::object();
    for (int i = 0; i < spec.nLabels; ++i) {
        const std::string name =
            size_t(i) < spec.labelNames.size() ? spec.labelNames[size_t(i)] : "LABEL_" + std::to_string(i);
        id2label[std::to_string(i)] = name;
        label2id[name] = i;
    }
    json c;
    c["model_type"] = spec.modelType;
    c["vocab_size"] = spec.effectiveVocabSize();
    c["max_position_embeddings"] = spec.maxPositions;
    c["pad_token_id"] = 0;
    c["initializer_range"] = 0.02;
    c["id2label"] = id2label;
    c["label2id"] = label2id;
    c["torch_dtype"] = "float32";
    if (spec.isDistilBert()) {
        c["architectures"] = {"DistilBertForSequenceClassification"};
        c["n_layers"] = spec.nLayers;
        c["n_heads"] = spec.nHeads;
        c["dim"] = spec.hidden;
        c["hidden_dim"] = spec.intermediate;
        c["activation"] = spec.hiddenAct;
        c["dropout"] = 0.1;
        c["attention_dropout"] = 0.1;
        c["qa_dropout"] = 0.1;
        c["seq_classif_dropout"] = 0.2;
        c["sinusoidal_pos_embds"] = false;
        c["tie_weights_"] = true;
    } else {
        c["architectures"] = {"BertForSequenceClassification"};
        c["num_hidden_layers"] = spec.nLayers;
        c["num_attention_heads"] = spec.nHeads;
        c["hidden_size"] = spec.hidden;
        c["intermediate_size"] = spec.intermediate;
        c["hidden_act"] = spec.hiddenAct;
        c["type_vocab_size"] = spec.typeVocab;
        c["layer_norm_eps"] = spec.layerNormEps;
        c["hidden_dropout_prob"] = 0.1;
        c["attention_probs_dropout_prob"] = 0.1;
        c["position_embedding_type"] = "absolute";
        c["classifier_dropout"] = nullptr;
    }
    json pruned = json::object();
    for (size_t l = 0; l < spec.prunedHeads.size(); ++l)
        if (!spec.prunedHeads[l].empty()) pruned[std::to_string(l)] = spec.prunedHeads[l];
    if (!pruned.empty()) c["pruned_heads"] = pruned;
    return c.dump(2) + "\n";
}

void writeTinyBertDir(const std::string& dir, const TinyBertModel& model)
{
    validate(model.spec);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) fail(ErrorCode::FileNotFound, "cannot create model folder", dir, ec.message());
    writeText(dir + "/config.json", tinyBertConfigJson(model.spec));
    writeMiniSafetensors(dir + "/model.safetensors", model.weights.tensors);
    std::vector<std::string> vocab = tinyVocab();
    const int vocabSize = model.spec.effectiveVocabSize();
    if (vocabSize < int(vocab.size()))
        fail(ErrorCode::InvalidArgument, "vocab_size is smaller than the tiny vocabulary", dir);
    while (int(vocab.size()) < vocabSize)
        vocab.push_back("[unused" + std::to_string(vocab.size()) + "]");
    writeVocabFile(dir + "/vocab.txt", vocab);
    writeText(dir + "/tokenizer_config.json", "{\n  \"do_lower_case\": true\n}\n");
}

TinyBertModel writeTinyBert(const std::string& dir, const TinyBertSpec& spec)
{
    TinyBertModel model = makeTinyBert(spec);
    writeTinyBertDir(dir, model);
    return model;
}

TinyBertModel readTinyBertDir(const std::string& dir)
{
    const std::string configPath = dir + "/config.json";
    TinyBertModel model;
    TinyBertSpec& s = model.spec;
    try {
        const json c = json::parse(readText(configPath));
        s.modelType = c.at("model_type").get<std::string>();
        const bool distil = s.isDistilBert();
        s.nLayers = c.at(distil ? "n_layers" : "num_hidden_layers").get<int>();
        s.nHeads = c.at(distil ? "n_heads" : "num_attention_heads").get<int>();
        s.hidden = c.at(distil ? "dim" : "hidden_size").get<int>();
        s.intermediate = c.at(distil ? "hidden_dim" : "intermediate_size").get<int>();
        s.hiddenAct = c.at(distil ? "activation" : "hidden_act").get<std::string>();
        s.vocabSize = c.at("vocab_size").get<int>();
        s.maxPositions = c.at("max_position_embeddings").get<int>();
        s.typeVocab = distil ? 0 : c.value("type_vocab_size", 2);
        s.layerNormEps = distil ? 1e-12 : c.value("layer_norm_eps", 1e-12);
        if (c.contains("id2label")) {
            s.nLabels = int(c.at("id2label").size());
            for (int i = 0; i < s.nLabels; ++i)
                s.labelNames.push_back(c.at("id2label").at(std::to_string(i)).get<std::string>());
        } else {
            s.nLabels = c.value("num_labels", 2);
        }
        if (c.contains("pruned_heads")) {
            s.prunedHeads.assign(size_t(s.nLayers), {});
            for (const auto& [layer, heads] : c.at("pruned_heads").items())
                s.prunedHeads.at(size_t(std::stoi(layer))) = heads.get<std::vector<int>>();
        }
    } catch (const core::ErrorException&) {
        throw;
    } catch (const std::exception& e) {
        fail(ErrorCode::InvalidFile, "config.json is not a BERT/DistilBERT config", configPath, e.what());
    }
    validate(s);
    model.weights.tensors = readMiniSafetensors(dir + "/model.safetensors");
    return model;
}

} // namespace headscope::testing
