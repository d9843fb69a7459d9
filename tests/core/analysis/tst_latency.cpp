// Latency lab on tiny shapes: one measurement per variant x batch x length, quartiles in order,
// speed-ups from the medians, hand-worked FLOP counts, and argument errors.
#include "analysis/latency.h"
#include "model/encoder_model.h"

#include "test_checks.h"
#include "tiny_bert_writer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <set>
#include <tuple>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

} // namespace

class TestLatency : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    std::shared_ptr<const EncoderModel> m_model; // 2 layers, 4 heads, hidden 16, FFN 32, 2 labels

    HeadMask halfOfLayer1() const
    {
        HeadMask m = m_model->fullMask();
        m.setKept(1, 0, false);
        m.setKept(1, 3, false);
        return m;
    }

private slots:
    void initTestCase()
    {
        TinyBertSpec spec; // defaults: 2 layers, 4 heads, hidden 16, intermediate 32, 2 labels
        writeTinyBert(m_tmp.path().toStdString(), spec);
        LoadOptions opt;
        opt.nThreads = 1;
        auto loaded = EncoderModel::load(m_tmp.path().toStdString(), opt);
        REQUIRE_OK(loaded);
        m_model = loaded.value();
    }

    void measurements()
    {
        LatencyParams p;
        p.batchSizes = {1, 3};
        p.seqLengths = {8, 16};
        p.warmupRuns = 1;
        p.timedRuns = 5;
        p.mask = halfOfLayer1();
        int64_t lastDone = -1, lastTotal = 0;
        auto r = measureLatency(*m_model, p, [&](int64_t done, int64_t total) {
            lastDone = done;
            lastTotal = total;
            return true;
        });
        REQUIRE_OK(r);
        QCOMPARE(r->device, std::string("cpu"));
        QCOMPARE(r->nThreads, torchThreads());
        QCOMPARE(lastTotal, int64_t(3 * 2 * 2));
        QVERIFY(lastDone >= 0 && lastDone <= lastTotal);
        QCOMPARE(r->measurements.size(), size_t(3 * 2 * 2));
        std::set<std::tuple<std::string, int, int>> seen;
        auto pruned = m_model->pruned(p.mask);
        REQUIRE_OK(pruned);
        for (const auto& m : r->measurements) {
            QVERIFY(seen.insert({m.variant, m.batchSize, m.seqLength}).second);
            QVERIFY(m.variant == "original" || m.variant == "masked" || m.variant == "pruned");
            QVERIFY(m.batchSize == 1 || m.batchSize == 3);
            QVERIFY(m.seqLength == 8 || m.seqLength == 16);
            QVERIFY(m.medianMs > 0);
            QVERIFY(m.q1Ms <= m.medianMs && m.medianMs <= m.q3Ms);
            QVERIFY(std::fabs(m.examplesPerSecond - 1000.0 * m.batchSize / m.medianMs) < 1e-9 * m.examplesPerSecond);
            QCOMPARE(m.nParameters, m.variant == "pruned" ? (*pruned)->parameterCount() : m_model->parameterCount());
        }
        for (int bs : {1, 3})
            for (int seq : {8, 16}) {
                double original = 0, masked = 0;
                for (const auto& m : r->measurements) {
                    if (m.batchSize != bs || m.seqLength != seq)
                        continue;
                    if (m.variant == "original")
                        original = m.medianMs;
                    else if (m.variant == "masked")
                        masked = m.medianMs;
                }
                QCOMPARE(speedupOf(r.value(), "original", bs, seq), 1.0);
                QCOMPARE(speedupOf(r.value(), "masked", bs, seq), original / masked);
                QVERIFY(speedupOf(r.value(), "pruned", bs, seq) > 0);
            }
        QCOMPARE(speedupOf(r.value(), "pruned", 2, 8), 0.0);   // no such batch size
        QCOMPARE(speedupOf(r.value(), "distilled", 1, 8), 0.0); // no such variant
        // Ideal speed-up at the first length, 8 (FLOPs worked out in forwardFlops()).
        QCOMPARE(r->idealSpeedup, 74304.0 / 64064.0);
    }

    void originalOnlyWithoutMask()
    {
        LatencyParams p;
        p.batchSizes = {2};
        p.seqLengths = {4};
        p.warmupRuns = 0;
        p.timedRuns = 3;
        auto r = measureLatency(*m_model, p);
        REQUIRE_OK(r);
        QCOMPARE(r->measurements.size(), size_t(1));
        QCOMPARE(r->measurements[0].variant, std::string("original"));
        QCOMPARE(r->idealSpeedup, 1.0);
    }

    // T = 8, hidden h = 16, d = 4, FFN 32, 2 labels; per layer with k heads (width 4k):
    //   Q, K, V projections   2 * T * h * 3 * 4k   = 3072 k
    //   scores and values     2 * 2 * k * T * T * d = 1024 k
    //   output projection     2 * T * 4k * h        = 1024 k
    //   feed-forward          2 * 2 * T * h * 32    = 16384
    // so 5120 k + 16384; pooler + classifier 2 * 16 * 16 + 2 * 16 * 2 = 576.
    // All heads: 2 * (20480 + 16384) + 576 = 74304. Layer 1 with 2 heads: 36864 + 26624 + 576 = 64064.
    void forwardFlopsByHand()
    {
        QCOMPARE(forwardFlops(*m_model, {}, 8), 74304.0);
        QCOMPARE(forwardFlops(*m_model, m_model->fullMask(), 8), 74304.0);
        QCOMPARE(forwardFlops(*m_model, halfOfLayer1(), 8), 64064.0);
        // Layer 1 without heads: 36864 + 16384 + 576.
        HeadMask noLayer1 = m_model->fullMask();
        noLayer1.setLayerKept(1, false);
        QCOMPARE(forwardFlops(*m_model, noLayer1, 8), 53824.0);
        // A structurally pruned model counts only its present heads.
        auto pruned = m_model->pruned(halfOfLayer1());
        REQUIRE_OK(pruned);
        QCOMPARE(forwardFlops(**pruned, {}, 8), 64064.0);
    }

    void invalidArguments()
    {
        LatencyParams p;
        p.batchSizes = {1};
        p.warmupRuns = 0;
        p.timedRuns = 1;
        for (int seq : {1, 65}) { // 2..64 (max_position_embeddings) allowed
            p.seqLengths = {seq};
            auto r = measureLatency(*m_model, p);
            QVERIFY(!r);
            QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(r.error().message.find(std::to_string(seq)) != std::string::npos, r.error().message.c_str());
        }
        p.seqLengths = {8};
        p.batchSizes = {0};
        auto badBatch = measureLatency(*m_model, p);
        QVERIFY(!badBatch);
        QCOMPARE(badBatch.error().code, ErrorCode::InvalidArgument);
        p.batchSizes = {1};
        p.timedRuns = 0;
        auto noRuns = measureLatency(*m_model, p);
        QVERIFY(!noRuns);
        QCOMPARE(noRuns.error().code, ErrorCode::InvalidArgument);
    }

    void cancel()
    {
        LatencyParams p;
        p.batchSizes = {1, 2};
        p.seqLengths = {8};
        p.warmupRuns = 0;
        p.timedRuns = 2;
        auto r = measureLatency(*m_model, p, [](int64_t, int64_t) { return false; });
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::Cancelled);
    }
};

QTEST_GUILESS_MAIN(TestLatency)
#include "tst_latency.moc"
