#pragma once
// Tiny random MarianMT models in Hugging Face layout, for the engine tests.
//
//   TinyMarianSpec spec;                        // 2+2 layers, 4 heads, d_model 16, swish
//   TinyMarianModel m = writeTinyMarian(tmp.path().toStdString(), spec);
//   auto logits = referenceMarianLogits(m, sourceIds, decoderInput);   // reference_marian.h
//
// Files written: config.json, generation_config.json, model.safetensors (F32, HF names, the
// shared embedding and, unless spec.storePositions is false, both sinusoidal tables),
// vocab.json, and source.spm/target.spm: a hand-made unigram SentencePiece model (serialised
// here, no trainer) over the tiny piece list, so that the test does not depend on the code under test.
// Errors throw headscope::core::ErrorException.
#include "mini_safetensors.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::testing {

class TinyRandom;

struct TinyMarianSpec
{
    int encoderLayers = 2;
    int decoderLayers = 2;
    int nHeads = 4;
    int dModel = 16;
    int ffn = 32;
    std::string activation = "swish"; // swish, gelu, relu
    bool scaleEmbedding = true;
    int maxPositions = 64;
    bool storePositions = true; // false: the loader must compute the sinusoidal tables
    int maxLength = 24;
    int numBeams = 1;
    uint64_t seed = 1;
    float weightScale = 0.35f;
    double eosBias = 0.0; // added to final_logits_bias[</s>]: larger values end hypotheses sooner

    int headDim() const { return dModel / nHeads; }
};

struct TinyMarianModel
{
    TinyMarianSpec spec;
    RefTensorMap tensors;            // HF names, float32-rounded values as doubles
    std::vector<std::string> pieces; // vocabulary: id -> piece ("</s>" 0, "<unk>" 1, ..., "<pad>" last)
    int64_t eosId = 0;
    int64_t unkId = 1;
    int64_t padId = 0;               // = decoder_start_token_id, the last id

    int vocabSize() const { return int(pieces.size()); }
    /// The tensor; throws when absent.
    const RefTensor& get(const std::string& name) const;
};

/// The pieces of the tiny SentencePiece model (without <unk>, <s>, </s>).
const std::vector<std::string>& tinyMarianPieces();
/// `length` random ids of normal pieces (never <unk>, </s> or <pad>) followed by </s>.
std::vector<int64_t> randomTinyMarianIds(TinyRandom& rng, const TinyMarianModel& model, int length);
/// Random weights for spec.
TinyMarianModel makeTinyMarian(const TinyMarianSpec& spec);
/// Writes every file of the HF folder (dir is created).
void writeTinyMarianDir(const std::string& dir, const TinyMarianModel& model);
/// makeTinyMarian + writeTinyMarianDir.
TinyMarianModel writeTinyMarian(const std::string& dir, const TinyMarianSpec& spec);
/// The config.json text of a model.
std::string tinyMarianConfigJson(const TinyMarianModel& model);
/// A unigram SentencePiece model (identity normalisation, dummy prefix) with the given normal
/// pieces after <unk>, <s>, </s>; longer pieces score higher.
void writeTinySentencePiece(const std::string& path, const std::vector<std::string>& pieces);

} // namespace headscope::testing
