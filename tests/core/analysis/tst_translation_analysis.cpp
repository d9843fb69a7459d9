// The translation analyses on tiny random Marian models: importance per type against the
// float64 oracle's central-difference mask gradients (tests/support/reference_marian),
// normalised by hand; the ablation's encoder reuse against full evaluations; the pruning order
// on hand-made scores; subsets; cancellation.
#include "analysis/translation_ablation.h"
#include "analysis/translation_eval.h"
#include "analysis/translation_importance.h"
#include "analysis/translation_latency.h"
#include "analysis/translation_prune_curve.h"
#include "metrics/bleu.h"
#include "model/seq2seq_model.h"

#include "reference_marian.h"
#include "test_checks.h"
#include "tiny_marian_writer.h"
#include "tiny_random.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

// A test set given as ids (the texts only need to be non-empty; references are the pieces).
TranslationSet randomSet(const TinyMarianModel& m, uint64_t seed, int n)
{
    TinyRandom rng(seed);
    TranslationSet set;
    set.sourcePath = "random";
    set.referencePath = "random";
    for (int i = 0; i < n; ++i) {
        set.sourceIds.push_back(randomTinyMarianIds(rng, m, 2 + int(rng.below(8))));
        set.referenceIds.push_back(randomTinyMarianIds(rng, m, 1 + int(rng.below(8))));
        set.sources.push_back("source " + std::to_string(i));
        std::string ref;
        for (size_t k = 0; k + 1 < set.referenceIds.back().size(); ++k)
            ref += (k ? " " : "") + m.pieces[size_t(set.referenceIds.back()[k])];
        set.references.push_back(ref);
    }
    return set;
}

} // namespace

class TestTranslationAnalysis : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    TinyMarianSpec m_spec;
    TinyMarianModel m_ref;
    std::shared_ptr<const Seq2SeqModel> m_model;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_spec.eosBias = 2.0; // hypotheses of a few tokens
        m_ref = writeTinyMarian(m_tmp.filePath(QStringLiteral("tiny")).toStdString(), m_spec);
        LoadOptions opt;
        opt.nThreads = 1;
        auto model = Seq2SeqModel::load(m_tmp.filePath(QStringLiteral("tiny")).toStdString(), opt);
        REQUIRE_OK(model);
        m_model = *model;
    }

    // I_h = mean over pairs of |dL(x)/dxi_h| for every type, with the oracle's central
    // differences as the independent derivative, and per-layer l2 normalisation by hand.
    void importanceMatchesOracle()
    {
        const TranslationSet set = randomSet(m_ref, 7, 5);
        TranslationImportanceParams p;
        p.batchSize = 2;
        p.masks.decoderSelf = HeadMask(m_spec.decoderLayers, m_spec.nHeads);
        p.masks.decoderSelf.setKept(1, 3, false); // a masked head scores 0
        const auto r = computeTranslationImportance(*m_model, set, p);
        REQUIRE_OK(r);

        MarianMaskValues point;
        point.decoderSelf.assign(size_t(m_spec.decoderLayers), std::vector<double>(size_t(m_spec.nHeads), 1.0));
        point.decoderSelf[1][3] = 0.0;
        MarianMaskValues sum;
        for (size_t i = 0; i < set.size(); ++i) {
            const auto g = referenceMarianMaskGradient(m_ref, set.sourceIds[i], set.referenceIds[i], &point);
            const HeadMaskValues* parts[] = {&g.encoderSelf, &g.encoderDecoder, &g.decoderSelf};
            HeadMaskValues* sums[] = {&sum.encoderSelf, &sum.encoderDecoder, &sum.decoderSelf};
            for (int t = 0; t < 3; ++t) {
                if (sums[t]->empty())
                    sums[t]->assign(parts[t]->size(), std::vector<double>((*parts[t])[0].size(), 0.0));
                for (size_t l = 0; l < parts[t]->size(); ++l)
                    for (size_t h = 0; h < (*parts[t])[l].size(); ++h)
                        (*sums[t])[l][h] += std::fabs((*parts[t])[l][h]);
            }
        }
        const HeadMaskValues* wants[] = {&sum.encoderSelf, &sum.encoderDecoder, &sum.decoderSelf};
        double worst = 0.0;
        for (AttentionType t : kSeq2SeqAttentionTypes) {
            HeadMaskValues want = *wants[int(t)];
            for (auto& row : want)
                for (double& v : row)
                    v /= double(set.size());
            want[1][3] = t == AttentionType::DecoderSelf ? 0.0 : want[1][3];
            const Matrix& raw = r->raw.of(t);
            const Matrix& norm = r->normalized.of(t);
            for (size_t l = 0; l < want.size(); ++l) {
                double sq = 0.0;
                for (double v : want[l])
                    sq += v * v;
                for (size_t h = 0; h < want[l].size(); ++h) {
                    worst = std::max(worst, std::fabs(raw[l][h] - want[l][h]));
                    QVERIFY(std::fabs(norm[l][h] - want[l][h] / std::sqrt(sq)) < 1e-4);
                }
            }
        }
        qInfo("largest |importance - oracle| %.3g", worst);
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
        QCOMPARE(r->raw.decoderSelf[1][3], 0.0);
        QCOMPARE(r->nExamples, int64_t(5));
    }

    // Decoder-side heads decode the baseline's encoder outputs; encoder heads re-encode. Both
    // must give what a full evaluation with the same mask gives.
    void ablationReusesEncoderAndMatchesFullEvaluation()
    {
        TranslationSet set = randomSet(m_ref, 11, 6);
        // The unmasked hypotheses as references: the baseline scores 100 and masks move it.
        // The tiny model's words are long runs of pieces: BLEU on characters sees n-grams.
        BleuParams chars;
        chars.tokenizer = BleuTokenizer::Char;
        const auto unmasked = evaluateTranslation(*m_model, set, TranslationEvalParams{});
        REQUIRE_OK(unmasked);
        set.references = unmasked->hypotheses;
        TranslationAblationParams p;
        p.decode.batchSize = 4;
        p.bleu = chars;
        p.bootstrap.nResamples = 50;
        int layerCalls = 0;
        const auto r = runTranslationAblation(*m_model, set, p, {},
                                              [&](AttentionType, int, const TranslationAblationResult&) { ++layerCalls; });
        REQUIRE_OK(r);
        QCOMPARE(layerCalls, 6);
        QVERIFY(r->complete());
        QCOMPARE(r->encoderPasses, int64_t(1 + 8));
        QCOMPARE(r->decoderPasses, int64_t(1 + 24));
        QCOMPARE(r->baselineBleu, 100.0);
        int changed = 0;
        for (AttentionType t : kSeq2SeqAttentionTypes) {
            for (int l = 0; l < 2; ++l)
                for (int h = 0; h < 4; ++h) {
                    TranslationEvalParams ep;
                    ep.decode.batchSize = 4;
                    ep.bleu = chars;
                    ep.decode.masks = m_model->fullMasks();
                    ep.decode.masks.of(t).setKept(l, h, false);
                    const auto full = evaluateTranslation(*m_model, set, ep);
                    REQUIRE_OK(full);
                    const double got = r->bleu.of(t)[size_t(l)][size_t(h)];
                    QCOMPARE(got, full->bleu.score);
                    QCOMPARE(r->delta.of(t)[size_t(l)][size_t(h)], got - 100.0);
                    changed += got < 100.0 ? 1 : 0;
                }
        }
        qInfo("%d of 24 single-head masks change the hypotheses", changed);
        QVERIFY(changed > 0);
        // The corpus BLEU of identical texts, from the metrics module.
        const auto bleu = corpusBleu(unmasked->hypotheses, {set.references}, chars, "test");
        REQUIRE_OK(bleu);
        QCOMPARE(bleu->corpus.score, 100.0);
    }

    void ablationSubsetAndCancel()
    {
        const TranslationSet set = randomSet(m_ref, 13, 10);
        TranslationAblationParams p;
        p.types = {AttentionType::DecoderSelf};
        p.subsetSize = 4;
        p.subsetRandom = true;
        p.significance = false;
        const auto r = runTranslationAblation(*m_model, set, p);
        REQUIRE_OK(r);
        QCOMPARE(r->subset, translationSubset(10, 4, true, 42));
        QCOMPARE(r->encoderPasses, int64_t(1));
        QVERIFY(std::isnan(r->bleu.encoderSelf[0][0]));
        QVERIFY(std::isnan(r->pValue.decoderSelf[0][0]));

        int64_t calls = 0;
        const auto cancelled = runTranslationAblation(*m_model, set, p, [&](int64_t, int64_t) { return ++calls < 3; });
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);
    }

    void subsets()
    {
        QCOMPARE(translationSubset(5, 0, false, 1), (std::vector<size_t>{0, 1, 2, 3, 4}));
        QCOMPARE(translationSubset(5, 3, false, 1), (std::vector<size_t>{0, 1, 2}));
        const auto a = translationSubset(100, 10, true, 7), b = translationSubset(100, 10, true, 7);
        QCOMPARE(a, b);
        QVERIFY(std::is_sorted(a.begin(), a.end()));
        QVERIFY(std::adjacent_find(a.begin(), a.end()) == a.end());
        QVERIFY(a != translationSubset(100, 10, true, 8));
    }

    // Hand-made scores: lowest first, ties by (type, layer, head), the per-layer minimum kept.
    void pruneOrder()
    {
        Seq2SeqMasks present;
        for (AttentionType t : kSeq2SeqAttentionTypes)
            present.of(t) = HeadMask(2, 2);
        present.decoderSelf.setKept(0, 0, false); // already pruned: never listed
        HeadMatrices s;
        s.encoderSelf = {{0.5, 0.1}, {0.9, 0.3}};
        s.encoderDecoder = {{0.1, 0.8}, {0.2, 0.7}};
        s.decoderSelf = {{0.0, 0.4}, {0.6, 0.05}};
        auto order = translationPruneOrder(s, present, PruneScope::All, 0);
        const std::vector<HeadId> want = {{AttentionType::DecoderSelf, 1, 1},    {AttentionType::EncoderSelf, 0, 1},
                                          {AttentionType::EncoderDecoder, 0, 0}, {AttentionType::EncoderDecoder, 1, 0},
                                          {AttentionType::EncoderSelf, 1, 1},    {AttentionType::DecoderSelf, 0, 1},
                                          {AttentionType::EncoderSelf, 0, 0},    {AttentionType::DecoderSelf, 1, 0},
                                          {AttentionType::EncoderDecoder, 1, 1}, {AttentionType::EncoderDecoder, 0, 1},
                                          {AttentionType::EncoderSelf, 1, 0}};
        QCOMPARE(order.size(), want.size());
        for (size_t i = 0; i < want.size(); ++i)
            QVERIFY2(order[i] == want[i], qPrintable(QString::number(int(i))));
        order = translationPruneOrder(s, present, PruneScope::EncoderDecoder, 1);
        const std::vector<HeadId> wantOne = {{AttentionType::EncoderDecoder, 0, 0}, {AttentionType::EncoderDecoder, 1, 0}};
        QCOMPARE(order.size(), wantOne.size());
        QVERIFY(order[0] == wantOne[0] && order[1] == wantOne[1]);
    }

    // Points prune floor(p * heads of the scope); the 0% point is the unmasked BLEU; points of a
    // decoder-side curve reuse the unmasked encoding.
    void pruneCurvesOnTinyModel()
    {
        const TranslationSet set = randomSet(m_ref, 17, 6);
        TranslationPruneCurveParams p;
        p.scopes = {PruneScope::EncoderDecoder, PruneScope::All};
        p.stepPercent = 30.0;
        int points = 0;
        const auto r = computeTranslationPruneCurves(*m_model, set, p, {},
                                                     [&](int, const TranslationPruneCurvePoint&) { ++points; });
        REQUIRE_OK(r);
        QCOMPARE(points, 8);
        QCOMPARE(r->curves[0].totalHeads, 8);
        QCOMPARE(r->curves[1].totalHeads, 24);
        const auto base = evaluateTranslation(*m_model, set, TranslationEvalParams{});
        REQUIRE_OK(base);
        const int wantPruned[2][4] = {{0, 2, 4, 7}, {0, 7, 14, 21}};
        for (int c = 0; c < 2; ++c) {
            QCOMPARE(r->curves[size_t(c)].points[0].bleu, base->bleu.score);
            for (int k = 0; k < 4; ++k) {
                const auto& pt = r->curves[size_t(c)].points[size_t(k)];
                QCOMPARE(pt.nPruned, wantPruned[c][k]);
                int masked = 0;
                for (AttentionType t : kSeq2SeqAttentionTypes)
                    masked += pt.masks.of(t).countMasked();
                QCOMPARE(masked, pt.nPruned);
                if (c == 0)
                    QCOMPARE(pt.masks.encoderSelf.countMasked() + pt.masks.decoderSelf.countMasked(), 0);
            }
        }
        // One encoding shared by every point that keeps all encoder self-attention heads.
        int64_t reencoded = 0;
        for (const auto& curve : r->curves)
            for (const auto& pt : curve.points)
                reencoded += pt.masks.encoderSelf.countMasked() > 0 ? 1 : 0;
        QCOMPARE(r->encoderPasses, 1 + reencoded);
    }

    // Original, masked and pruned; the pruned copy generates what the masked model does.
    void latencyVariants()
    {
        const TranslationSet set = randomSet(m_ref, 19, 5);
        TranslationLatencyParams p;
        p.batchSizes = {1, 4};
        p.timedRuns = 2;
        p.masks = m_model->fullMasks();
        p.masks.encoderSelf.setKept(0, 1, false);
        p.masks.encoderDecoder.setLayerKept(1, false);
        p.masks.decoderSelf.setKept(1, 2, false);
        int64_t calls = 0;
        const auto r = measureTranslationLatency(*m_model, set, p, [&](int64_t, int64_t) { ++calls; return true; });
        REQUIRE_OK(r);
        QCOMPARE(calls, int64_t(3 * 2 * 3));
        QCOMPARE(r->measurements.size(), size_t(6));
        const auto& masked = r->measurements[2];
        const auto& pruned = r->measurements[4];
        QCOMPARE(masked.variant, std::string("masked"));
        QCOMPARE(pruned.variant, std::string("pruned"));
        QCOMPARE(pruned.nTokens, masked.nTokens);
        // 6 heads of 4 dims in d_model 16: each loses its Q, K, V rows (+ biases) and O columns.
        const int64_t d = m_spec.dModel, hd = m_spec.headDim();
        QCOMPARE(r->measurements[0].nParameters - pruned.nParameters, 6 * (4 * hd * d + 3 * hd));
        for (const auto& m : r->measurements)
            QVERIFY(m.tokensPerSecond > 0 && m.medianSeconds > 0);
    }
};

QTEST_GUILESS_MAIN(TestTranslationAnalysis)
#include "tst_translation_analysis.moc"
