#pragma once
// Running a Seq2SeqModel: teacher-forced logits, loss and head-mask gradients, and decoding
// (greedy and beam search, batched, with a decoder key/value cache).
//
//   auto model = Seq2SeqModel::load(dir).value();
//   std::vector<std::vector<int64_t>> src = {model->tokenizer().encodeSource("Hello.")};
//   DecodeParams p;                       // beam size, max length: the model's generation config
//   p.masks.encoderDecoder = model->fullMasks().encoderDecoder;
//   p.masks.encoderDecoder.setKept(1, 2, false);
//   auto out = translate(*model, src, p); // out->at(0).text
//
// Head masks follow transformers v4: a mask value multiplies the head's attention
// probabilities after the softmax (equivalently its context). Masks are given per attention
// type, either once for every example (masks) or one set per example (perExampleMasks, same
// order as the inputs). Empty HeadMasks keep every head. Functions take the model by const
// reference and keep their state to themselves, so one model serves several threads; each
// call runs on the model's device.
#include "mask/seq2seq_masks.h"
#include "model/encoded_sources.h"
#include "model/seq2seq_model.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace headscope::core {

/// [layer][head] values (gradients, importance) of one attention type.
using HeadValues = std::vector<std::vector<double>>;

/// A source sentence and its reference as ids: each ends with </s> (MarianTokenizer::encode*).
struct TranslationPair
{
    std::vector<int64_t> sourceIds;
    std::vector<int64_t> targetIds;
};

struct TeacherForcedParams
{
    Seq2SeqMasks masks;
    std::vector<Seq2SeqMasks> perExampleMasks; // empty, or one per pair
    int batchSize = 32;
};

/// Teacher-forced logits (decoder input = decoder_start + target[:-1]) of each pair:
/// [pair][target position][vocabulary], float32. Meant for checks and inspection: a full row
/// per position is large for real vocabularies.
Result<std::vector<std::vector<std::vector<float>>>> teacherForcedLogits(const Seq2SeqModel& model,
                                                                         const std::vector<TranslationPair>& pairs,
                                                                         const TeacherForcedParams& params = {});

struct MaskGradientParams
{
    /// The point ξ at which gradients are taken (empty: all ones).
    Seq2SeqMasks masks;
    /// true: one mask variable set per example, giving dL(x)/dξ for every example x;
    /// false: one shared set, giving d(Σ_x L(x))/dξ.
    bool perExample = true;
    int batchSize = 32;
};

struct MaskGradients
{
    /// L(x): mean cross-entropy over the example's target tokens (no label smoothing).
    std::vector<double> exampleLosses;
    /// Per type: [example][layer][head] when perExample, else one [layer][head] entry (summed
    /// over every batch). Structurally pruned heads get 0.
    std::vector<HeadValues> encoderSelf, encoderDecoder, decoderSelf;

    const std::vector<HeadValues>& of(AttentionType type) const;
};

/// Teacher-forced loss and its gradients with respect to the head-mask variables of all three
/// attention types (weights never require grad). Progress counts pairs.
Result<MaskGradients> teacherForcedLossAndMaskGradients(const Seq2SeqModel& model,
                                                        const std::vector<TranslationPair>& pairs,
                                                        const MaskGradientParams& params = {},
                                                        const Progress& progress = {});

struct EncodeParams
{
    int batchSize = 32;
    HeadMask encoderSelf;                 // empty: all kept
    std::vector<HeadMask> perExampleMasks; // empty, or one encoder_self mask per source
};

/// Runs the encoder once over every source (batches of similar lengths). Progress counts sources.
Result<EncodedSources> encodeSources(const Seq2SeqModel& model, const std::vector<std::vector<int64_t>>& sources,
                                     const EncodeParams& params = {}, const Progress& progress = {});

struct DecodeParams
{
    int beamSize = 0;                     // 0: the model's num_beams
    std::optional<double> lengthPenalty;  // unset: the model's length_penalty
    int maxLength = 0;                    // 0: the model's max_length (tokens, start token included)
    int batchSize = 32;                   // sentences per batch (translate() only; decode() reuses the encoding's)
    bool useCache = true;                 // false: recompute the whole prefix at every step (checks, benches)
    bool recordStepLogits = false;        // greedy only: each step's raw logits row, for checks
    bool alwaysBeamSearch = false;        // run the beam-search code even for one beam (checks)
    /// Decoder-side masks (and the encoder-side one for translate()).
    Seq2SeqMasks masks;
    std::vector<Seq2SeqMasks> perExampleMasks; // empty, or one per source
};

struct Translation
{
    /// As generate() returns them: decoder_start first, then the tokens, ending with </s>
    /// unless max length was reached without it; no padding.
    std::vector<int64_t> ids;
    std::string text;              // detokenised, special tokens skipped
    double score = 0.0;            // greedy: sum of log-probabilities; beam: the length-penalised beam score
    bool reachedMaxLength = false; // stopped by max length, not by </s>
    std::vector<std::vector<float>> stepLogits; // recordStepLogits: [step][vocabulary]
};

/// Called as each sentence finishes (index in the caller's order).
using TranslationCallback = std::function<void(size_t index, const Translation& translation)>;

/// Greedy (beam size 1) or beam search over encoded sources; params.masks.encoderSelf is
/// ignored (the encoder already ran). Matches HF generate(): start from decoder_start_token_id,
/// single-token bad_words_ids banned, forced_eos_token_id at max_length - 1, stop at </s>.
/// Progress counts finished sentences.
Result<std::vector<Translation>> decode(const Seq2SeqModel& model, const EncodedSources& sources,
                                        const DecodeParams& params = {}, const Progress& progress = {},
                                        const TranslationCallback& onTranslation = {});

/// encodeSources + decode.
Result<std::vector<Translation>> translate(const Seq2SeqModel& model, const std::vector<std::vector<int64_t>>& sources,
                                           const DecodeParams& params = {}, const Progress& progress = {},
                                           const TranslationCallback& onTranslation = {});

} // namespace headscope::core
