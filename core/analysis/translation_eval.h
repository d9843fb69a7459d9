#pragma once
// Decoding a translation test set with head masks: corpus BLEU (sacreBLEU's) and chrF,
// hypotheses, speed, and the paired bootstrap against the unmasked run.
//
//   TranslationEvalParams p;                            // greedy unless the model says otherwise
//   auto base = evaluateTranslation(*model, set, p);    // set: translation_set.h
//   p.decode.masks.encoderDecoder = model->fullMasks().encoderDecoder;
//   p.decode.masks.encoderDecoder.setKept(1, 1, false);
//   p.baselineSegments = std::make_shared<std::vector<BleuStats>>(base->segments);
//   auto r = evaluateTranslation(*model, set, p, {}, [](const TranslationPartial& part) {
//       show(part.bleu.score);                          // live corpus BLEU of the finished sentences
//   });                                                 // r->bootstrap: interval and p-value
#include "analysis/translation_set.h"
#include "mask/seq2seq_masks.h"
#include "metrics/bleu.h"
#include "metrics/chrf.h"
#include "metrics/paired_bootstrap.h"
#include "model/encoded_sources.h"
#include "model/seq2seq_inference.h"
#include "util/result.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace headscope::core {

class Seq2SeqModel;

struct TranslationEvalParams
{
    /// Beam size, max length, batch size and the head masks of all three types.
    DecodeParams decode;
    BleuParams bleu;
    bool computeChrf = true;
    ChrfParams chrf;
    /// Per-segment BLEU statistics of the unmasked run (same sentences): when given, the result
    /// carries a paired bootstrap of this run against it.
    std::shared_ptr<const std::vector<BleuStats>> baselineSegments;
    PairedBootstrapParams bootstrap;
};

/// What a running evaluation knows after each finished sentence.
struct TranslationPartial
{
    size_t index = 0;      // the sentence that just finished (file order)
    int64_t nDone = 0;
    int64_t nTotal = 0;
    BleuStats sum;         // statistics of the finished sentences
    BleuScore bleu;        // corpus BLEU of the finished sentences (no references: zero)
};
using TranslationPartialCallback = std::function<void(const TranslationPartial&)>;

struct TranslationEvalResult
{
    Seq2SeqMasks masks;                   // the masks decoded with (empty: all kept)
    int beamSize = 1;                     // resolved (the model's when params said 0)
    int maxLength = 0;                    // resolved
    int batchSize = 0;
    BleuParams bleuParams;
    std::vector<std::string> hypotheses;  // file order
    bool hasReferences = false;
    std::vector<BleuStats> segments;      // per sentence (empty without references)
    BleuScore bleu;
    std::optional<double> chrf;           // 0..100
    ChrfParams chrfParams;
    std::optional<PairedBootstrapResult> bootstrap;
    int64_t nSentences = 0;
    int64_t nTokens = 0;                  // generated tokens (start token excluded, </s> included)
    int64_t nReachedMaxLength = 0;
    double encodeSeconds = 0.0;           // 0 when the encoding was given
    double decodeSeconds = 0.0;
    double seconds = 0.0;                 // encode + decode (+ scoring)
    double tokensPerSecond = 0.0;         // nTokens / (encode + decode seconds)
    double sentencesPerSecond = 0.0;
};

/// Encodes the sources (with decode.masks.encoderSelf) and decodes them. Progress counts
/// sentences (encoded, then decoded); returning false cancels (ErrorCode::Cancelled).
Result<TranslationEvalResult> evaluateTranslation(const Seq2SeqModel& model, const TranslationSet& set,
                                                  const TranslationEvalParams& params, const Progress& progress = {},
                                                  const TranslationPartialCallback& partial = {});

/// The same on sources encoded earlier (encodeSources of set.sourceIds): only the decoder runs,
/// so decode.masks.encoderSelf must be what the encoding used (it is recorded, not applied).
Result<TranslationEvalResult> evaluateEncodedTranslation(const Seq2SeqModel& model, const TranslationSet& set,
                                                         const EncodedSources& encoded,
                                                         const TranslationEvalParams& params,
                                                         const Progress& progress = {},
                                                         const TranslationPartialCallback& partial = {});

} // namespace headscope::core
