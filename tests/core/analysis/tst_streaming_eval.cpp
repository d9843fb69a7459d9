// Streaming evaluation: the stratified random order, the paired change while it runs, the
// sample and stop-at-width modes, and the layer-state cache across calls. Reference numbers
// come from independent runs: a by-length evaluation without cache (the final numbers must not
// depend on the order or the cache) and counts of the paired table made here by hand.
#include "analysis/encoded_dataset.h"
#include "analysis/evaluator.h"
#include "analysis/layer_state_cache.h"
#include "analysis/streaming_order.h"
#include "model/encoder_model.h"

#include "test_checks.h"
#include "tiny_bert_writer.h"
#include "tiny_model_loading.h"
#include "tiny_examples.h"
#include "tiny_random.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

struct Fixture
{
    std::shared_ptr<const EncoderModel> model;
    EncodedDataset data;
};

// 4 layers x 4 heads with large weights (heads flip predictions), examples of 3..40 tokens.
Fixture makeFixture(const std::string& dir, int nExamples)
{
    Fixture f;
    TinyBertSpec spec;
    spec.nLayers = 4;
    spec.seed = 11;
    spec.weightScale = 0.5f;
    writeTinyBert(dir, spec);
    f.model = loadSingleThreaded(dir);
    TinyRandom rng(91);
    for (int i = 0; i < nExamples; ++i)
        appendRandomExample(f.data, rng, 3 + int(rng.below(38)));
    return f;
}

EvalResult run(const Fixture& f, const EvalParams& p, std::vector<EvalPartial>* partials = nullptr)
{
    auto r = evaluate(*f.model, f.data, p, {}, [&](const EvalPartial& part) {
        if (partials)
            partials->push_back(part);
    });
    if (!r) {
        qWarning("%s", r.error().toString().c_str());
        return {};
    }
    return r.value();
}

double maxLogitDiff(const EvalResult& a, const EvalResult& b)
{
    double worst = 0.0;
    for (size_t i = 0; i < a.logits.size(); ++i)
        for (size_t k = 0; k < a.logits[i].size(); ++k)
            worst = std::max(worst, double(std::fabs(a.logits[i][k] - b.logits[i][k])));
    return worst;
}

EncodedDataset lengthsOnly(const std::vector<int>& lengths)
{
    EncodedDataset d;
    for (int len : lengths) {
        EncodedExample e;
        e.inputIds.assign(size_t(len), 5);
        e.tokenTypeIds.assign(size_t(len), 0);
        d.examples.push_back(std::move(e));
    }
    return d;
}

} // namespace

class TestStreamingEval : public QObject
{
    Q_OBJECT

private slots:
    void orderIsAPermutationOfSimilarLengths()
    {
        std::mt19937_64 rng(3);
        std::uniform_int_distribution<int> len(4, 120);
        std::vector<int> lengths(1000);
        for (int& l : lengths)
            l = len(rng);
        const auto data = lengthsOnly(lengths);
        const auto batches = makeStreamingBatches(data, 16, 7);
        std::set<size_t> seen;
        int64_t padded = 0, tokens = 0, paddedRandom = 0;
        for (const auto& b : batches) {
            QVERIFY(!b.empty() && b.size() <= 16);
            int longest = 0;
            for (size_t i : b) {
                QVERIFY(seen.insert(i).second);
                longest = std::max(longest, lengths[i]);
                tokens += lengths[i];
            }
            padded += int64_t(longest) * int64_t(b.size());
        }
        QCOMPARE(seen.size(), lengths.size());
        // The same order for the same seed, another for another seed.
        QCOMPARE(makeStreamingBatches(data, 16, 7), batches);
        QVERIFY(makeStreamingBatches(data, 16, 8) != batches);
        // Batches of a random permutation, for comparison: the strata must save most padding.
        std::vector<size_t> perm(lengths.size());
        for (size_t i = 0; i < perm.size(); ++i)
            perm[i] = i;
        std::shuffle(perm.begin(), perm.end(), rng);
        for (size_t s = 0; s < perm.size(); s += 16) {
            int longest = 0;
            for (size_t j = s; j < std::min(perm.size(), s + 16); ++j)
                longest = std::max(longest, lengths[perm[j]]);
            paddedRandom += int64_t(longest) * int64_t(std::min<size_t>(16, perm.size() - s));
        }
        qInfo("padding: streaming %.3f, random %.3f of the real tokens", double(padded - tokens) / double(tokens),
              double(paddedRandom - tokens) / double(tokens));
        QVERIFY(padded - tokens < (paddedRandom - tokens) / 3);
    }

    void everyPrefixIsSpreadOverLengths()
    {
        // After a tenth of the batches, every length stratum has been visited in proportion.
        std::vector<int> lengths(2000);
        for (size_t i = 0; i < lengths.size(); ++i)
            lengths[i] = 3 + int(i % 97);
        const auto data = lengthsOnly(lengths);
        const auto batches = makeStreamingBatches(data, 8, 1);
        const int nStrata = streamingStrataCount(lengths.size(), 8);
        QCOMPARE(nStrata, 16);
        size_t done = 0;
        double meanLength = 0.0;
        for (size_t b = 0; b < batches.size() / 10; ++b)
            for (size_t i : batches[b]) {
                meanLength += lengths[i];
                ++done;
            }
        meanLength /= double(done);
        const double trueMean = 3 + 48.0; // lengths 3..99 spread evenly
        qInfo("mean length of the first tenth: %.2f (all: %.2f)", meanLength, trueMean);
        QVERIFY(std::fabs(meanLength - trueMean) < 3.0);
        const auto sample = takeExamples(batches, 100);
        size_t inSample = 0;
        for (const auto& b : sample)
            inSample += b.size();
        QCOMPARE(inSample, size_t(100));
    }

    // With outcomes that depend on length (short sentences easy), the interval after 10% of
    // the streaming order must still hold the final change in >= 93% of the orders.
    void coverageWithLengthDependentOutcomes()
    {
        std::mt19937_64 rng(5);
        std::uniform_int_distribution<int> len(4, 80);
        std::vector<int> lengths(872);
        for (int& l : lengths)
            l = len(rng);
        const auto data = lengthsOnly(lengths);
        std::vector<uint8_t> base(lengths.size()), cur(lengths.size());
        int64_t finalSum = 0;
        for (size_t i = 0; i < lengths.size(); ++i) {
            const double pRight = 0.95 - 0.006 * lengths[i];
            base[i] = std::bernoulli_distribution(pRight)(rng) ? 1 : 0;
            // Only long sentences lose from the mask.
            const bool flip = lengths[i] >= 40 && std::bernoulli_distribution(0.3)(rng);
            cur[i] = flip ? uint8_t(!base[i]) : base[i];
            finalSum += int64_t(cur[i]) - int64_t(base[i]);
        }
        const double finalDelta = double(finalSum) / double(lengths.size());
        int covered = 0, coveredSorted = 0;
        const int runs = 1000;
        for (int seed = 0; seed < runs; ++seed) {
            for (bool streaming : {true, false}) {
                const auto batches = streaming ? makeStreamingBatches(data, 8, uint64_t(seed)) : makeBatches(data, 8, true);
                int64_t b = 0, c = 0, n = 0;
                for (const auto& batch : batches) {
                    if (n >= int64_t(lengths.size()) / 10)
                        break;
                    for (size_t i : batch) {
                        b += base[i] && !cur[i] ? 1 : 0;
                        c += !base[i] && cur[i] ? 1 : 0;
                        ++n;
                    }
                }
                const auto e = estimateFinalPairedDelta(b, c, n, int64_t(lengths.size()));
                const bool in = e.interval.low <= finalDelta && finalDelta <= e.interval.high;
                (streaming ? covered : coveredSorted) += in ? 1 : 0;
            }
        }
        qInfo("final delta %.4f; coverage after 10%%: streaming %.3f, by length %.3f", finalDelta,
              double(covered) / runs, double(coveredSorted) / runs);
        QVERIFY(double(covered) / runs >= 0.93);
        // The shortest-first order is the same every run: it is either right or wrong, and here
        // (short sentences barely change) it is wrong, which is why streaming exists.
        QCOMPARE(coveredSorted, 0);
    }

    void finalNumbersDoNotDependOnTheOrder()
    {
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString(), 120);
        QVERIFY(f.model);
        HeadMask mask = f.model->fullMask();
        mask.setKept(1, 2, false);
        mask.setKept(3, 0, false);
        EvalParams p;
        p.batchSize = 8;
        p.mask = mask;
        const EvalResult sorted = run(f, p);
        p.order = BatchOrder::Streaming;
        std::vector<EvalPartial> partials;
        const EvalResult streamed = run(f, p, &partials);
        QCOMPARE(streamed.predictions, sorted.predictions);
        QCOMPARE(streamed.nCorrect, sorted.nCorrect);
        QVERIFY(std::fabs(streamed.meanLoss - sorted.meanLoss) < 1e-6);
        QVERIFY(maxLogitDiff(streamed, sorted) < 1e-5);
        QVERIFY(streamed.complete());
        QCOMPARE(partials.back().nDone, int64_t(120));
        QVERIFY(partials.back().accuracyEstimate().exact());
    }

    void pairedCountsMatchAHandCount()
    {
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString(), 150);
        QVERIFY(f.model);
        EvalParams p;
        p.batchSize = 8;
        p.order = BatchOrder::Streaming;
        const EvalResult base = run(f, p);
        p.mask = f.model->fullMask();
        p.mask.setLayerKept(0, false);
        p.baselineCorrect = std::make_shared<const std::vector<uint8_t>>(base.correct);
        std::vector<EvalPartial> partials;
        const EvalResult masked = run(f, p, &partials);
        int64_t b = 0, c = 0;
        for (size_t i = 0; i < base.correct.size(); ++i) {
            b += base.correct[i] && !masked.correct[i] ? 1 : 0;
            c += !base.correct[i] && masked.correct[i] ? 1 : 0;
        }
        QVERIFY2(b + c > 0, "the mask must change some predictions for this test to mean anything");
        const EvalPartial& last = partials.back();
        QVERIFY(last.paired);
        QCOMPARE(last.nBaselineOnly, b);
        QCOMPARE(last.nCurrentOnly, c);
        const double finalDelta = masked.accuracy - base.accuracy;
        QVERIFY(std::fabs(last.deltaEstimate().value - finalDelta) < 1e-12);
        QCOMPARE(last.deltaEstimate().width(), 0.0);
        // Every partial interval is within what was reachable and narrows to the end.
        for (const auto& part : partials) {
            const auto e = part.deltaEstimate();
            QVERIFY(e.interval.low <= e.interval.high);
            QVERIFY(e.interval.low >= -1.0 && e.interval.high <= 1.0);
        }
    }

    void sampleAndStopModes()
    {
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString(), 200);
        QVERIFY(f.model);
        EvalParams p;
        p.batchSize = 8;
        p.order = BatchOrder::Streaming;
        p.sampleSize = 50;
        std::vector<EvalPartial> partials;
        const EvalResult sample = run(f, p, &partials);
        QCOMPARE(sample.coverage, EvalResult::Coverage::Sample);
        QCOMPARE(sample.n, int64_t(50));
        QCOMPARE(partials.back().nTotal, int64_t(50));
        QCOMPARE(partials.back().nPopulation, int64_t(200));
        QVERIFY(!partials.back().accuracyEstimate().exact());
        QCOMPARE(int64_t(std::count(sample.predictions.begin(), sample.predictions.end(), -1)), int64_t(150));

        // Stop once the accuracy interval is narrower than 30 points: must stop early, and the
        // interval at that point is narrower, the one before not.
        EvalParams s;
        s.batchSize = 4;
        s.order = BatchOrder::Streaming;
        s.stopBelowWidth = 0.30;
        partials.clear();
        const EvalResult stopped = run(f, s, &partials);
        QCOMPARE(stopped.coverage, EvalResult::Coverage::StoppedAtWidth);
        QVERIFY(stopped.n < 200);
        QVERIFY(partials.back().accuracyEstimate().width() < 0.30);
        QVERIFY(partials[partials.size() - 2].accuracyEstimate().width() >= 0.30);
    }

    void smallBatchesKeepTheOrderOfLargeOnes()
    {
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString(), 200);
        QVERIFY(f.model);
        EvalParams big;
        big.batchSize = 16;
        big.order = BatchOrder::Streaming;
        big.sampleSize = 70;
        EvalParams small = big;
        small.batchSize = 3;
        small.orderBatchSize = 16;
        std::vector<EvalPartial> a, b;
        const EvalResult ra = run(f, big, &a);
        const EvalResult rb = run(f, small, &b);
        // The same 70 examples...
        QCOMPARE(rb.predictions, ra.predictions);
        QCOMPARE(rb.n, int64_t(70));
        // ...in the same sequence: where both runs report after the same count, they agree.
        for (const auto& pa : a)
            for (const auto& pb : b)
                if (pa.nDone == pb.nDone)
                    QCOMPARE(pb.nCorrect, pa.nCorrect);
        QVERIFY(b.size() > a.size());
        const auto pieces = cutBatches({{1, 2, 3, 4, 5}, {6, 7}}, 2);
        QCOMPARE(pieces, (std::vector<std::vector<size_t>>{{1, 2}, {3, 4}, {5}, {6, 7}}));
    }

    void layerCacheGivesTheSameLogits()
    {
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString(), 64);
        QVERIFY(f.model);
        LayerStateCache cache(size_t(64) << 20);
        EvalParams p;
        p.batchSize = 8;
        p.order = BatchOrder::Streaming;
        p.layerCache = &cache;
        const EvalResult base = run(f, p);
        const auto afterBase = cache.stats();
        QCOMPARE(afterBase.layersHeld, 3); // inputs of layers 1..3
        QCOMPARE(afterBase.examplesHeld, int64_t(3 * 64));
        QCOMPARE(afterBase.batchesFromCache, int64_t(0));
        for (int layer = 0; layer < 4; ++layer) {
            EvalParams m = p;
            m.mask = f.model->fullMask();
            m.mask.setKept(layer, 1, false);
            m.mask.setKept(layer, 3, false);
            const auto before = cache.stats();
            const EvalResult cached = run(f, m);
            const auto after = cache.stats();
            EvalParams plain = m;
            plain.layerCache = nullptr;
            const EvalResult full = run(f, plain);
            QVERIFY2(maxLogitDiff(cached, full) <= 1e-6,
                     qPrintable(QStringLiteral("layer %1: %2").arg(layer).arg(maxLogitDiff(cached, full))));
            QCOMPARE(cached.predictions, full.predictions);
            // Batches start at the changed layer (every batch: 64 / 8).
            QCOMPARE(after.layersSkipped - before.layersSkipped, int64_t(layer * 8));
            // Masking again the same heads in a layer above reuses this run's states.
            if (layer < 3) {
                EvalParams again = m;
                again.mask.setKept(layer + 1, 0, false);
                const auto s0 = cache.stats();
                const EvalResult twice = run(f, again);
                QCOMPARE(cache.stats().layersSkipped - s0.layersSkipped, int64_t((layer + 1) * 8));
                plain.mask = again.mask;
                QVERIFY(maxLogitDiff(twice, run(f, plain)) <= 1e-6);
            }
        }
        QVERIFY(maxLogitDiff(base, run(f, [&] { EvalParams q = p; q.layerCache = nullptr; return q; }())) <= 1e-6);
    }

    void layerCacheBudgetEvictsFromTheTop()
    {
        QTemporaryDir tmp;
        const Fixture f = makeFixture(tmp.path().toStdString(), 64);
        QVERIFY(f.model);
        // One layer's states: tokens x hidden x 4 bytes. Room for a little over one layer.
        size_t tokens = 0;
        for (const auto& e : f.data.examples)
            tokens += e.inputIds.size();
        const size_t layerBytes = tokens * size_t(f.model->config().hiddenSize) * sizeof(float);
        LayerStateCache cache(layerBytes + layerBytes / 2);
        EvalParams p;
        p.batchSize = 8;
        p.order = BatchOrder::Streaming;
        p.layerCache = &cache;
        run(f, p);
        const auto s = cache.stats();
        QVERIFY(s.bytes <= s.budgetBytes);
        QCOMPARE(s.layersHeld, 1);
        // The lowest layer is the one kept: a click in layer 3 then starts at layer 1.
        EvalParams m = p;
        m.mask = f.model->fullMask();
        m.mask.setKept(3, 0, false);
        run(f, m);
        QCOMPARE(cache.stats().layersSkipped, int64_t(8));
        // bf16 halves the memory; results stay close.
        LayerStateCache half(size_t(64) << 20, true);
        EvalParams h = p;
        h.layerCache = &half;
        run(f, h);
        const auto hs = half.stats();
        QVERIFY(hs.bytes * 2 == 3 * layerBytes);
        h.mask = m.mask;
        const EvalResult approx = run(f, h);
        EvalParams plain = h;
        plain.layerCache = nullptr;
        const double diff = maxLogitDiff(approx, run(f, plain));
        qInfo("bf16 cache: max logit difference %.3g", diff);
        QVERIFY(diff > 0.0 && diff < 0.05);
        cache.clear();
        QCOMPARE(cache.stats().bytes, size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestStreamingEval)
#include "tst_streaming_eval.moc"
