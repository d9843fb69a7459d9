// The LibTorch Marian engine against the float64 plain-loop oracle (tests/support/reference_marian)
// on tiny random models: teacher-forced logits with padding and head masks of each attention
// type (global and per example), every activation, computed or stored positions, unscaled
// embeddings; mask gradients against central differences; greedy decoding.
#include "model/seq2seq_inference.h"
#include "model/seq2seq_model.h"

#include "reference_marian.h"
#include "test_checks.h"
#include "tiny_marian_writer.h"
#include "tiny_random.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

constexpr double kLogitTol = 1e-5;

std::vector<TranslationPair> randomPairs(const TinyMarianModel& m, uint64_t seed, int n)
{
    TinyRandom rng(seed);
    std::vector<TranslationPair> pairs;
    for (int i = 0; i < n; ++i) {
        const int srcLen = 2 + int(rng.below(9));
        const int tgtLen = 1 + int(rng.below(9));
        pairs.push_back({randomTinyMarianIds(rng, m, srcLen), randomTinyMarianIds(rng, m, tgtLen)});
    }
    return pairs;
}

// A mask of one type with some heads off (a whole layer when wholeLayer).
HeadMask someHeadsOff(int layers, int heads, uint64_t seed, bool wholeLayer = false)
{
    HeadMask mask(layers, heads);
    TinyRandom rng(seed);
    for (int l = 0; l < layers; ++l)
        for (int h = 0; h < heads; ++h)
            if (rng.below(3) == 0)
                mask.setKept(l, h, false);
    if (wholeLayer)
        mask.setLayerKept(layers - 1, false);
    return mask;
}

HeadMaskValues valuesOf(const HeadMask& mask)
{
    HeadMaskValues v;
    for (int l = 0; l < mask.nLayers(); ++l) {
        v.emplace_back();
        for (int h = 0; h < mask.nHeads(); ++h)
            v.back().push_back(mask.isKept(l, h) ? 1.0 : 0.0);
    }
    return v;
}

MarianMaskValues valuesOf(const Seq2SeqMasks& masks)
{
    return {valuesOf(masks.encoderSelf), valuesOf(masks.encoderDecoder), valuesOf(masks.decoderSelf)};
}

std::vector<int64_t> decoderInput(const TinyMarianModel& m, const std::vector<int64_t>& labels)
{
    std::vector<int64_t> in = {m.padId};
    in.insert(in.end(), labels.begin(), labels.end() - 1);
    return in;
}

// Largest |engine - oracle| over every pair, position and vocabulary entry.
double maxDiff(const TinyMarianModel& m, const std::vector<TranslationPair>& pairs,
               const std::vector<std::vector<std::vector<float>>>& got, const std::vector<Seq2SeqMasks>& masks)
{
    double worst = 0;
    for (size_t i = 0; i < pairs.size(); ++i) {
        const auto mv = valuesOf(masks[masks.size() == 1 ? 0 : i]);
        const auto want = referenceMarianLogits(m, pairs[i].sourceIds, decoderInput(m, pairs[i].targetIds), &mv);
        if (got[i].size() != want.size())
            return INFINITY;
        for (size_t t = 0; t < want.size(); ++t)
            for (size_t w = 0; w < want[t].size(); ++w)
                worst = std::max(worst, std::fabs(double(got[i][t][w]) - want[t][w]));
    }
    return worst;
}

} // namespace

class TestMarianOracle : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;

    std::pair<TinyMarianModel, std::shared_ptr<const Seq2SeqModel>> build(const QString& name, const TinyMarianSpec& spec)
    {
        const auto dir = m_tmp.filePath(name).toStdString();
        auto ref = writeTinyMarian(dir, spec);
        auto model = Seq2SeqModel::load(dir);
        if (!model)
            qWarning("%s", model.error().toString().c_str());
        return {ref, model ? model.value() : nullptr};
    }

private slots:
    void logitsWithMasks_data()
    {
        QTest::addColumn<QString>("activation");
        QTest::addColumn<bool>("storePositions");
        QTest::addColumn<bool>("scaleEmbedding");
        QTest::addColumn<QString>("maskType"); // none, encoder_self, encoder_decoder, decoder_self, all
        for (const char* type : {"none", "encoder_self", "encoder_decoder", "decoder_self", "all"})
            QTest::newRow(qPrintable(QStringLiteral("swish/%1").arg(QLatin1String(type))))
                << QStringLiteral("swish") << true << true << QString::fromLatin1(type);
        QTest::newRow("gelu/computed positions/all") << QStringLiteral("gelu") << false << true << QStringLiteral("all");
        QTest::newRow("relu/unscaled/all") << QStringLiteral("relu") << true << false << QStringLiteral("all");
    }
    void logitsWithMasks()
    {
        QFETCH(QString, activation);
        QFETCH(bool, storePositions);
        QFETCH(bool, scaleEmbedding);
        QFETCH(QString, maskType);
        TinyMarianSpec spec;
        spec.activation = activation.toStdString();
        spec.storePositions = storePositions;
        spec.scaleEmbedding = scaleEmbedding;
        spec.decoderLayers = 3; // encoder and decoder stacks of different depth
        auto [ref, model] = build(QStringLiteral("logits-%1-%2-%3").arg(activation).arg(storePositions).arg(scaleEmbedding), spec);
        QVERIFY(model);
        const auto pairs = randomPairs(ref, 11, 7);
        Seq2SeqMasks masks;
        const std::string type = maskType.toStdString();
        if (type == "encoder_self" || type == "all")
            masks.encoderSelf = someHeadsOff(spec.encoderLayers, spec.nHeads, 1, type == "all");
        if (type == "encoder_decoder" || type == "all")
            masks.encoderDecoder = someHeadsOff(spec.decoderLayers, spec.nHeads, 2);
        if (type == "decoder_self" || type == "all")
            masks.decoderSelf = someHeadsOff(spec.decoderLayers, spec.nHeads, 3, type == "all");
        TeacherForcedParams p;
        p.masks = masks;
        p.batchSize = 3; // padded batches of sources and targets
        const auto got = teacherForcedLogits(*model, pairs, p);
        REQUIRE_OK(got);
        const double diff = maxDiff(ref, pairs, *got, {masks});
        QVERIFY2(diff < kLogitTol, qPrintable(QStringLiteral("max |engine - oracle| = %1").arg(diff)));
    }

    void perExampleMasks()
    {
        TinyMarianSpec spec;
        auto [ref, model] = build(QStringLiteral("per-example"), spec);
        QVERIFY(model);
        const auto pairs = randomPairs(ref, 5, 6);
        std::vector<Seq2SeqMasks> masks(pairs.size());
        for (size_t i = 0; i < pairs.size(); ++i) {
            masks[i].encoderSelf = someHeadsOff(spec.encoderLayers, spec.nHeads, 10 + i);
            masks[i].encoderDecoder = someHeadsOff(spec.decoderLayers, spec.nHeads, 20 + i);
            if (i % 2) // some examples leave a type empty (all heads kept)
                masks[i].decoderSelf = someHeadsOff(spec.decoderLayers, spec.nHeads, 30 + i);
        }
        TeacherForcedParams p;
        p.perExampleMasks = masks;
        p.batchSize = 4;
        const auto got = teacherForcedLogits(*model, pairs, p);
        REQUIRE_OK(got);
        const double diff = maxDiff(ref, pairs, *got, masks);
        QVERIFY2(diff < kLogitTol, qPrintable(QStringLiteral("max |engine - oracle| = %1").arg(diff)));
    }

    void maskGradients()
    {
        TinyMarianSpec spec;
        auto [ref, model] = build(QStringLiteral("gradients"), spec);
        QVERIFY(model);
        const auto pairs = randomPairs(ref, 21, 4);
        Seq2SeqMasks point; // gradients at a point with one head of each type already masked
        point.encoderSelf = HeadMask(spec.encoderLayers, spec.nHeads);
        point.encoderSelf.setKept(0, 1, false);
        point.encoderDecoder = HeadMask(spec.decoderLayers, spec.nHeads);
        point.encoderDecoder.setKept(1, 2, false);
        point.decoderSelf = HeadMask(spec.decoderLayers, spec.nHeads);
        point.decoderSelf.setKept(0, 3, false);
        const auto pointValues = valuesOf(point);

        MaskGradientParams p;
        p.masks = point;
        p.batchSize = 3;
        const auto perExample = teacherForcedLossAndMaskGradients(*model, pairs, p);
        REQUIRE_OK(perExample);
        p.perExample = false;
        const auto shared = teacherForcedLossAndMaskGradients(*model, pairs, p);
        REQUIRE_OK(shared);

        double worst = 0, worstLoss = 0, worstShared = 0;
        MarianMaskValues sum;
        for (size_t i = 0; i < pairs.size(); ++i) {
            const double loss = referenceMarianLoss(ref, pairs[i].sourceIds, pairs[i].targetIds, &pointValues);
            worstLoss = std::max(worstLoss, std::fabs(loss - perExample->exampleLosses[i]));
            const auto g = referenceMarianMaskGradient(ref, pairs[i].sourceIds, pairs[i].targetIds, &pointValues);
            for (AttentionType type : kSeq2SeqAttentionTypes) {
                const HeadValues& want = type == AttentionType::EncoderSelf      ? g.encoderSelf
                                         : type == AttentionType::EncoderDecoder ? g.encoderDecoder
                                                                                 : g.decoderSelf;
                HeadMaskValues& acc = type == AttentionType::EncoderSelf      ? sum.encoderSelf
                                      : type == AttentionType::EncoderDecoder ? sum.encoderDecoder
                                                                              : sum.decoderSelf;
                if (acc.empty())
                    acc.assign(want.size(), std::vector<double>(want[0].size(), 0.0));
                const HeadValues& got = perExample->of(type)[i];
                for (size_t l = 0; l < want.size(); ++l)
                    for (size_t h = 0; h < want[l].size(); ++h) {
                        worst = std::max(worst, std::fabs(got[l][h] - want[l][h]));
                        acc[l][h] += want[l][h];
                    }
            }
        }
        for (AttentionType type : kSeq2SeqAttentionTypes) {
            const HeadMaskValues& want = type == AttentionType::EncoderSelf      ? sum.encoderSelf
                                         : type == AttentionType::EncoderDecoder ? sum.encoderDecoder
                                                                                 : sum.decoderSelf;
            QCOMPARE(shared->of(type).size(), size_t(1));
            for (size_t l = 0; l < want.size(); ++l)
                for (size_t h = 0; h < want[l].size(); ++h)
                    worstShared = std::max(worstShared, std::fabs(shared->of(type)[0][l][h] - want[l][h]));
        }
        qInfo("loss %.3g, per-example gradient %.3g, summed gradient %.3g", worstLoss, worst, worstShared);
        QVERIFY2(worstLoss < 1e-5, qPrintable(QString::number(worstLoss)));
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
        QVERIFY2(worstShared < 1e-4, qPrintable(QString::number(worstShared)));
    }

    void greedyAgainstOracle()
    {
        TinyMarianSpec spec;
        spec.maxLength = 12; // short enough that some hypotheses end by the forced </s>
        auto [ref, model] = build(QStringLiteral("greedy"), spec);
        QVERIFY(model);
        const auto pairs = randomPairs(ref, 31, 6);
        std::vector<std::vector<int64_t>> sources;
        for (const auto& p : pairs)
            sources.push_back(p.sourceIds);
        Seq2SeqMasks masks;
        masks.encoderDecoder = someHeadsOff(spec.decoderLayers, spec.nHeads, 7);
        masks.decoderSelf = someHeadsOff(spec.decoderLayers, spec.nHeads, 8);
        const auto mv = valuesOf(masks);
        for (bool masked : {false, true}) {
            DecodeParams p;
            if (masked)
                p.masks = masks;
            p.batchSize = 4;
            const auto out = translate(*model, sources, p);
            REQUIRE_OK(out);
            for (size_t i = 0; i < sources.size(); ++i)
                QCOMPARE((*out)[i].ids, referenceMarianGreedy(ref, sources[i], spec.maxLength, masked ? &mv : nullptr));
        }
    }
};

QTEST_GUILESS_MAIN(TestMarianOracle)
#include "tst_marian_oracle.moc"
