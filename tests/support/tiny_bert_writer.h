#pragma once
// Tiny random BERT / DistilBERT sequence classifiers in Hugging Face layout, for tests.
//
//   TinyBertSpec spec;                        // 2 layers, 4 heads, hidden 16, bert
//   spec.prunedHeads = {{1, 3}, {}};          // heads absent from the weights (HF pruned_heads)
//   TinyBertModel m = writeTinyBert(tmp.path().toStdString(), spec);
//   std::vector<double> logits = referenceLogits(m, ReferenceInput{{2, 40, 17, 3}, {}});
//
// Files written: config.json, model.safetensors (F32, plus the I64 buffer
// bert.embeddings.position_ids for bert), vocab.txt, tokenizer_config.json.
// The in-memory weights hold exactly the float32 values written, as doubles.
// Errors throw headscope::core::ErrorException.
#include "mini_safetensors.h"
#include "tiny_vocab.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::testing {

struct TinyBertSpec
{
    std::string modelType = "bert"; // "bert" or "distilbert"
    int nLayers = 2;
    int nHeads = 4; // before pruning
    int hidden = 16;
    int intermediate = 32;
    int vocabSize = 0; // 0: tinyVocab().size()
    int maxPositions = 64;
    int typeVocab = 2; // bert only
    int nLabels = 2;
    std::vector<std::string> labelNames; // empty: LABEL_0, LABEL_1, ...
    std::string hiddenAct = "gelu";      // gelu (erf), gelu_new / gelu_pytorch_tanh (tanh), relu
    double layerNormEps = 1e-12;         // distilbert: must stay 1e-12 (HF fixes it)
    uint64_t seed = 1;
    std::vector<std::vector<int>> prunedHeads; // [layer] -> original head indices absent from weights
    float weightScale = 0.2f;

    bool isDistilBert() const { return modelType == "distilbert"; }
    int headDim() const { return hidden / nHeads; }
    int effectiveVocabSize() const;
    /// Original indices of the heads present in a layer, ascending.
    std::vector<int> presentHeads(int layer) const;
    bool isPruned(int layer, int head) const;
};

/// Per-tensor values under their Hugging Face names.
struct TinyBertWeights
{
    RefTensorMap tensors;

    /// The tensor; throws when absent.
    const RefTensor& get(const std::string& name) const;
    bool has(const std::string& name) const { return tensors.count(name) != 0; }
};

/// Hugging Face tensor-name stems (append ".weight" / ".bias") of one encoder layer.
struct TinyLayerNames
{
    std::string query, key, value, attnOut, attnNorm, ffnIn, ffnOut, ffnNorm;
};
/// Stems of the embeddings and the classification head; typeEmb is empty for distilbert, pooler
/// is bert.pooler.dense (tanh) or pre_classifier (relu).
struct TinyModelNames
{
    std::string wordEmb, posEmb, typeEmb, embNorm, pooler, classifier;
};
TinyLayerNames tinyLayerNames(const TinyBertSpec& spec, int layer);
TinyModelNames tinyModelNames(const TinyBertSpec& spec);

struct TinyBertModel
{
    TinyBertSpec spec;
    TinyBertWeights weights;
};

/// Random weights for spec (values are float32-rounded). Pruned heads are sliced out of the
/// weights the full model would have, so makeTinyBert(s) == pruneHeads(makeTinyBert(s without
/// pruning), s.prunedHeads).
TinyBertModel makeTinyBert(const TinyBertSpec& spec);
/// Removes more heads (original indices per layer) from Q/K/V rows and output columns; the
/// returned spec lists the union of old and new pruned heads.
TinyBertModel pruneHeads(const TinyBertModel& model, const std::vector<std::vector<int>>& heads);
/// Writes config.json, model.safetensors, vocab.txt and tokenizer_config.json into dir (created).
void writeTinyBertDir(const std::string& dir, const TinyBertModel& model);
/// makeTinyBert + writeTinyBertDir.
TinyBertModel writeTinyBert(const std::string& dir, const TinyBertSpec& spec);
/// Reads a BERT/DistilBERT HF folder (config.json + model.safetensors) with the test reader.
TinyBertModel readTinyBertDir(const std::string& dir);
/// The config.json text written for spec.
std::string tinyBertConfigJson(const TinyBertSpec& spec);

} // namespace headscope::testing
