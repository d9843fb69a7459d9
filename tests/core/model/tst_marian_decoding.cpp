// Decoding and pruning of the Marian engine on tiny random models: beam search of width 1
// equals greedy; the key/value cache changes nothing (ids equal, step logits within 1e-5);
// encoder outputs reused across decoder-side masks equal a full run; per-example masks equal
// separate runs; a structurally pruned model (every type, a layer losing all its heads) equals
// the masked one, also after export and reload.
#include "model/seq2seq_inference.h"
#include "model/seq2seq_model.h"

#include "reference_marian.h"
#include "test_checks.h"
#include "tiny_marian_writer.h"
#include "tiny_random.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

std::vector<std::vector<int64_t>> randomSources(const TinyMarianModel& m, uint64_t seed, int n)
{
    TinyRandom rng(seed);
    std::vector<std::vector<int64_t>> out;
    for (int i = 0; i < n; ++i) {
        std::vector<int64_t> ids;
        const int len = 1 + int(rng.below(10));
        for (int j = 0; j < len; ++j)
            ids.push_back(2 + int64_t(rng.below(uint64_t(m.vocabSize() - 3))));
        ids.push_back(m.eosId);
        out.push_back(ids);
    }
    return out;
}

Seq2SeqMasks someMasks(const TinyMarianSpec& spec)
{
    Seq2SeqMasks m;
    m.encoderSelf = HeadMask(spec.encoderLayers, spec.nHeads);
    m.encoderSelf.setKept(0, 2, false);
    m.encoderSelf.setKept(1, 0, false);
    m.encoderDecoder = HeadMask(spec.decoderLayers, spec.nHeads);
    m.encoderDecoder.setLayerKept(0, false); // a whole layer
    m.encoderDecoder.setKept(1, 3, false);
    m.decoderSelf = HeadMask(spec.decoderLayers, spec.nHeads);
    m.decoderSelf.setKept(1, 1, false);
    return m;
}

double maxStepLogitDiff(const std::vector<Translation>& a, const std::vector<Translation>& b)
{
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].stepLogits.size() != b[i].stepLogits.size())
            return INFINITY;
        for (size_t s = 0; s < a[i].stepLogits.size(); ++s)
            for (size_t w = 0; w < a[i].stepLogits[s].size(); ++w)
                worst = std::max(worst, std::fabs(double(a[i].stepLogits[s][w]) - double(b[i].stepLogits[s][w])));
    }
    return worst;
}

std::vector<std::vector<int64_t>> idsOf(const std::vector<Translation>& t)
{
    std::vector<std::vector<int64_t>> out;
    for (const auto& x : t)
        out.push_back(x.ids);
    return out;
}

} // namespace

class TestMarianDecoding : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    TinyMarianSpec m_spec;
    TinyMarianModel m_ref;
    std::shared_ptr<const Seq2SeqModel> m_model;
    std::vector<std::vector<int64_t>> m_sources;

private slots:
    void initTestCase()
    {
        m_spec.maxLength = 16;
        m_spec.eosBias = 3.0; // hypotheses of several lengths, some cut by max length
        m_ref = writeTinyMarian(m_tmp.filePath(QStringLiteral("tiny")).toStdString(), m_spec);
        auto model = Seq2SeqModel::load(m_tmp.filePath(QStringLiteral("tiny")).toStdString());
        REQUIRE_OK(model);
        m_model = model.value();
        m_sources = randomSources(m_ref, 3, 9);
    }

    void beamOfWidthOneIsGreedy()
    {
        for (bool masked : {false, true}) {
            DecodeParams greedy;
            greedy.batchSize = 4;
            if (masked)
                greedy.masks = someMasks(m_spec);
            DecodeParams beam = greedy;
            beam.beamSize = 1;
            beam.alwaysBeamSearch = true; // the beam-search code with one beam
            const auto a = translate(*m_model, m_sources, greedy);
            const auto b = translate(*m_model, m_sources, beam);
            REQUIRE_OK(a);
            REQUIRE_OK(b);
            QCOMPARE(idsOf(*b), idsOf(*a));
            // Greedy itself against the float64 oracle.
            for (size_t i = 0; i < m_sources.size(); ++i)
                if (!masked)
                    QCOMPARE((*a)[i].ids, referenceMarianGreedy(m_ref, m_sources[i], m_spec.maxLength));
        }
    }

    void cachedEqualsUncached()
    {
        for (bool masked : {false, true}) {
            DecodeParams p;
            p.recordStepLogits = true;
            p.batchSize = 4;
            if (masked)
                p.masks = someMasks(m_spec);
            const auto cached = translate(*m_model, m_sources, p);
            p.useCache = false;
            const auto uncached = translate(*m_model, m_sources, p);
            REQUIRE_OK(cached);
            REQUIRE_OK(uncached);
            QCOMPARE(idsOf(*cached), idsOf(*uncached));
            // Not a vacuous comparison: hypotheses of several lengths.
            std::set<size_t> lengths;
            for (const auto& t : *cached)
                lengths.insert(t.ids.size());
            QVERIFY2(lengths.size() >= 3, qPrintable(QStringLiteral("%1 lengths, first %2").arg(lengths.size()).arg(*lengths.begin())));
            const double diff = maxStepLogitDiff(*cached, *uncached);
            QVERIFY2(diff < 1e-5, qPrintable(QString::number(diff)));
        }
    }

    void beamCachedEqualsUncached()
    {
        DecodeParams p;
        p.beamSize = 3;
        p.batchSize = 4;
        p.masks = someMasks(m_spec);
        const auto cached = translate(*m_model, m_sources, p);
        p.useCache = false;
        const auto uncached = translate(*m_model, m_sources, p);
        REQUIRE_OK(cached);
        REQUIRE_OK(uncached);
        QCOMPARE(idsOf(*cached), idsOf(*uncached));
        for (const auto& t : *cached) {
            QCOMPARE(t.ids.front(), m_ref.padId);
            QVERIFY(t.ids.back() == m_ref.eosId || int(t.ids.size()) == m_spec.maxLength);
        }
    }

    void encoderReuse()
    {
        EncodeParams ep;
        ep.batchSize = 4;
        ep.encoderSelf = someMasks(m_spec).encoderSelf;
        const auto encoded = encodeSources(*m_model, m_sources, ep);
        REQUIRE_OK(encoded);
        QCOMPARE(encoded->size(), m_sources.size());
        QCOMPARE(encoded->nBatches(), size_t(3));
        for (int variant = 0; variant < 3; ++variant) {
            DecodeParams p;
            p.batchSize = 4;
            p.masks.encoderSelf = ep.encoderSelf;
            if (variant >= 1)
                p.masks.encoderDecoder = someMasks(m_spec).encoderDecoder;
            if (variant >= 2)
                p.masks.decoderSelf = someMasks(m_spec).decoderSelf;
            const auto reused = decode(*m_model, encoded.value(), p);
            const auto full = translate(*m_model, m_sources, p);
            REQUIRE_OK(reused);
            REQUIRE_OK(full);
            QCOMPARE(idsOf(*reused), idsOf(*full));
        }
    }

    void perExampleMasksEqualSeparateRuns()
    {
        std::vector<Seq2SeqMasks> masks(m_sources.size());
        for (size_t i = 0; i < masks.size(); ++i)
            if (i % 3 != 0)
                masks[i] = someMasks(m_spec);
        for (int beam : {1, 2}) {
            DecodeParams p;
            p.beamSize = beam;
            p.batchSize = 4;
            p.perExampleMasks = masks;
            const auto together = translate(*m_model, m_sources, p);
            REQUIRE_OK(together);
            DecodeParams plain;
            plain.beamSize = beam;
            const auto unmasked = translate(*m_model, m_sources, plain);
            REQUIRE_OK(unmasked);
            QVERIFY2(idsOf(*unmasked) != idsOf(*together), "the masks change no hypothesis: the test would prove nothing");
            for (size_t i = 0; i < m_sources.size(); ++i) {
                DecodeParams one;
                one.beamSize = beam;
                one.masks = masks[i];
                const auto alone = translate(*m_model, {m_sources[i]}, one);
                REQUIRE_OK(alone);
                QCOMPARE((*together)[i].ids, (*alone)[0].ids);
            }
        }
    }

    void progressAndCallback()
    {
        std::vector<size_t> seen;
        int64_t last = 0;
        DecodeParams p;
        p.batchSize = 4;
        const auto out = translate(
            *m_model, m_sources, p, [&](int64_t done, int64_t total) { last = done; return total == int64_t(m_sources.size()); },
            [&](size_t index, const Translation&) { seen.push_back(index); });
        REQUIRE_OK(out);
        QCOMPARE(last, int64_t(m_sources.size()));
        std::sort(seen.begin(), seen.end());
        QCOMPARE(seen.size(), m_sources.size());
        for (size_t i = 0; i < seen.size(); ++i)
            QCOMPARE(seen[i], i);
        const auto cancelled = translate(*m_model, m_sources, p, [](int64_t, int64_t) { return false; });
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);
    }

    void prunedEqualsMasked()
    {
        const auto masks = someMasks(m_spec);
        const auto pruned = m_model->pruned(masks);
        REQUIRE_OK(pruned);
        QVERIFY((*pruned)->parameterCount() < m_model->parameterCount());
        QCOMPARE((*pruned)->headsPerLayer(AttentionType::EncoderDecoder), (std::vector<int>{0, 3}));
        QCOMPARE((*pruned)->fullMasks().encoderDecoder, masks.encoderDecoder);
        // Export in HF layout and read back.
        const auto dir = m_tmp.filePath(QStringLiteral("pruned")).toStdString();
        REQUIRE_OK((*pruned)->save(dir));
        const auto reloaded = Seq2SeqModel::load(dir);
        REQUIRE_OK(reloaded);
        QCOMPARE((*reloaded)->fullMasks().decoderSelf, masks.decoderSelf);

        std::vector<TranslationPair> pairs;
        TinyRandom rng(9);
        for (const auto& s : m_sources)
            pairs.push_back({s, {2 + int64_t(rng.below(20)), 5, m_ref.eosId}});
        TeacherForcedParams masked;
        masked.masks = masks;
        const auto want = teacherForcedLogits(*m_model, pairs, masked);
        REQUIRE_OK(want);
        for (const auto* model : {&pruned.value(), &reloaded.value()}) {
            const auto got = teacherForcedLogits(**model, pairs, {});
            REQUIRE_OK(got);
            double worst = 0;
            for (size_t i = 0; i < pairs.size(); ++i)
                for (size_t t = 0; t < (*got)[i].size(); ++t)
                    for (size_t w = 0; w < (*got)[i][t].size(); ++w)
                        worst = std::max(worst, std::fabs(double((*got)[i][t][w]) - double((*want)[i][t][w])));
            QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
            DecodeParams p;
            p.masks = masks;
            const auto a = translate(*m_model, m_sources, p);
            const auto b = translate(**model, m_sources, {});
            REQUIRE_OK(a);
            REQUIRE_OK(b);
            QCOMPARE(idsOf(*b), idsOf(*a));
        }
        // The pruned model's logits also match the float64 oracle under the same mask.
        MarianMaskValues mv;
        for (AttentionType type : kSeq2SeqAttentionTypes) {
            HeadMaskValues v;
            for (int l = 0; l < masks.of(type).nLayers(); ++l) {
                v.emplace_back();
                for (int h = 0; h < masks.of(type).nHeads(); ++h)
                    v.back().push_back(masks.of(type).isKept(l, h) ? 1.0 : 0.0);
            }
            (type == AttentionType::EncoderSelf ? mv.encoderSelf
             : type == AttentionType::EncoderDecoder ? mv.encoderDecoder : mv.decoderSelf) = v;
        }
        const auto got = teacherForcedLogits(**pruned, {pairs[0]}, {});
        REQUIRE_OK(got);
        std::vector<int64_t> in = {m_ref.padId};
        in.insert(in.end(), pairs[0].targetIds.begin(), pairs[0].targetIds.end() - 1);
        const auto oracle = referenceMarianLogits(m_ref, pairs[0].sourceIds, in, &mv);
        for (size_t t = 0; t < oracle.size(); ++t)
            for (size_t w = 0; w < oracle[t].size(); ++w)
                QVERIFY(std::fabs(double((*got)[0][t][w]) - oracle[t][w]) < 1e-5);
    }
};

QTEST_GUILESS_MAIN(TestMarianDecoding)
#include "tst_marian_decoding.moc"
