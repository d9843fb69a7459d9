#include "analysis/translation_eval.h"

#include "metrics/bleu_scorer.h"
#include "model/seq2seq_model.h"

#include <chrono>

namespace headscope::core {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

TranslationEvalResult decodeAndScore(const Seq2SeqModel& model, const TranslationSet& set,
                                     const EncodedSources& encoded, const TranslationEvalParams& params,
                                     const Progress& progress, const TranslationPartialCallback& partial)
{
    if (encoded.size() != set.size())
        fail(ErrorCode::InvalidArgument, "the encoded sources do not belong to this test set",
             set.sourcePath, std::to_string(encoded.size()) + " encoded, " + std::to_string(set.size()) + " lines");
    const auto& generation = model.config().generation;
    TranslationEvalResult r;
    r.masks = params.decode.masks;
    r.beamSize = params.decode.beamSize > 0 ? params.decode.beamSize : generation.numBeams;
    r.maxLength = params.decode.maxLength > 0 ? params.decode.maxLength : generation.maxLength;
    r.batchSize = params.decode.batchSize;
    r.bleuParams = params.bleu;
    r.chrfParams = params.chrf;
    r.hasReferences = set.hasReferences();
    r.nSentences = int64_t(set.size());

    std::optional<BleuScorer> scorer;
    if (r.hasReferences) {
        auto created = BleuScorer::create({set.references}, params.bleu);
        if (!created)
            throw ErrorException(created.error());
        scorer = std::move(*created);
        r.segments.assign(set.size(), BleuStats{});
    }
    TranslationPartial part;
    part.nTotal = r.nSentences;
    // Segment statistics as sentences finish: the partial corpus BLEU the GUI shows live.
    auto onTranslation = [&](size_t index, const Translation& t) {
        if (!partial)
            return;
        part.index = index;
        ++part.nDone;
        if (scorer) {
            part.sum += scorer->segmentStats(index, t.text);
            part.bleu = computeBleu(part.sum, params.bleu);
        }
        partial(part);
    };
    const auto start = Clock::now();
    auto translations = decode(model, encoded, params.decode, progress, onTranslation);
    if (!translations)
        throw ErrorException(translations.error());
    r.decodeSeconds = secondsSince(start);
    for (const Translation& t : *translations) {
        r.hypotheses.push_back(t.text);
        r.nTokens += int64_t(t.ids.size()) - 1;
        r.nReachedMaxLength += t.reachedMaxLength ? 1 : 0;
    }
    if (scorer) {
        BleuStats sum;
        for (size_t i = 0; i < set.size(); ++i) {
            r.segments[i] = scorer->segmentStats(i, r.hypotheses[i]);
            sum += r.segments[i];
        }
        r.bleu = computeBleu(sum, params.bleu);
        if (params.computeChrf) {
            auto chrf = corpusChrf(r.hypotheses, {set.references}, params.chrf, {});
            if (!chrf)
                throw ErrorException(chrf.error());
            r.chrf = chrf->score;
        }
        if (params.baselineSegments) {
            auto boot = pairedBootstrapBleu(*params.baselineSegments, r.segments, params.bleu, params.bootstrap,
                                            progress ? Progress([&](int64_t, int64_t) {
                                                return progress(r.nSentences, r.nSentences);
                                            })
                                                     : Progress{});
            if (!boot)
                throw ErrorException(boot.error());
            r.bootstrap = *boot;
        }
    }
    return r;
}

void finishTimes(TranslationEvalResult& r, double seconds)
{
    r.seconds = seconds;
    const double timed = r.encodeSeconds + r.decodeSeconds;
    r.tokensPerSecond = timed > 0 ? double(r.nTokens) / timed : 0.0;
    r.sentencesPerSecond = timed > 0 ? double(r.nSentences) / timed : 0.0;
}

} // namespace

Result<TranslationEvalResult> evaluateTranslation(const Seq2SeqModel& model, const TranslationSet& set,
                                                  const TranslationEvalParams& params, const Progress& progress,
                                                  const TranslationPartialCallback& partial)
{
    return captureResult([&]() -> TranslationEvalResult {
        const auto start = Clock::now();
        const int64_t n = int64_t(set.size());
        // One progress over both halves: encoding counts the first n, decoding the next n.
        Progress encodeProgress, decodeProgress;
        if (progress) {
            encodeProgress = [&](int64_t done, int64_t) { return progress(done, 2 * n); };
            decodeProgress = [&](int64_t done, int64_t) { return progress(n + done, 2 * n); };
        }
        EncodeParams ep;
        ep.batchSize = params.decode.batchSize;
        ep.encoderSelf = params.decode.masks.encoderSelf;
        auto encoded = encodeSources(model, set.sourceIds, ep, encodeProgress);
        if (!encoded)
            throw ErrorException(encoded.error());
        const double encodeSeconds = secondsSince(start);
        TranslationEvalResult r = decodeAndScore(model, set, *encoded, params, decodeProgress, partial);
        r.encodeSeconds = encodeSeconds;
        finishTimes(r, secondsSince(start));
        return r;
    });
}

Result<TranslationEvalResult> evaluateEncodedTranslation(const Seq2SeqModel& model, const TranslationSet& set,
                                                         const EncodedSources& encoded,
                                                         const TranslationEvalParams& params,
                                                         const Progress& progress,
                                                         const TranslationPartialCallback& partial)
{
    return captureResult([&]() -> TranslationEvalResult {
        const auto start = Clock::now();
        TranslationEvalResult r = decodeAndScore(model, set, encoded, params, progress, partial);
        finishTimes(r, secondsSince(start));
        return r;
    });
}

} // namespace headscope::core
