// Estimates of the final accuracy and of the final paired change from part of a dataset.
// Expected bounds were computed by hand with /usr/bin/python3 (math only): the Wilson score
// formula with n / fpc as the sample size, and the Agresti-Min adjusted Wald formula times fpc,
// both clipped to what the remaining examples can reach. The coverage checks draw random orders
// of simulated populations and count how often the interval after 10% holds the final value.
#include "metrics/streaming_estimate.h"

#include "test_checks.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace headscope::core;

namespace {


// Paired outcomes of a simulated population: per example (baseline right, current right).
struct Population
{
    std::vector<uint8_t> baseline;
    std::vector<uint8_t> current;
};

Population simulate(size_t n, double accuracy, double flipRate, std::mt19937_64& rng)
{
    std::bernoulli_distribution right(accuracy), flip(flipRate);
    Population p;
    for (size_t i = 0; i < n; ++i) {
        const bool b = right(rng);
        p.baseline.push_back(b ? 1 : 0);
        p.current.push_back(flip(rng) ? !b : b);
    }
    return p;
}

} // namespace

class TestStreamingEstimate : public QObject
{
    Q_OBJECT

private slots:
    void accuracyHandWorked()
    {
        const auto e = estimateFinalAccuracy(40, 50, 200);
        QCOMPARE(e.value, 0.8);
        expectNear(e.interval.low, 0.688560236941, 1e-9, "low");
        expectNear(e.interval.high, 0.878594987582, 1e-9, "high");
        // Two examples left: the final accuracy cannot pass 51/52, whatever Wilson says.
        const auto clipped = estimateFinalAccuracy(49, 50, 52);
        expectNear(clipped.interval.low, 0.970750807477, 1e-9, "low");
        expectNear(clipped.interval.high, 51.0 / 52.0, 1e-12, "high (reachable)");
    }

    void deltaHandWorked()
    {
        const auto e = estimateFinalPairedDelta(3, 7, 50, 1000);
        QCOMPARE(e.value, 0.08);
        expectNear(e.interval.low, -0.043264486259, 1e-9, "low");
        expectNear(e.interval.high, 0.197110640105, 1e-9, "high");
        // No prediction changed yet: the interval keeps a width (1/2 added to each cell).
        const auto none = estimateFinalPairedDelta(0, 0, 100, 872);
        QCOMPARE(none.value, 0.0);
        expectNear(none.interval.low, -0.018090371766, 1e-9, "low");
        expectNear(none.interval.high, 0.018090371766, 1e-9, "high");
        const auto late = estimateFinalPairedDelta(2, 0, 98, 100);
        expectNear(late.interval.low, -0.024792822519, 1e-9, "low");
        expectNear(late.interval.high, -0.015207177481, 1e-9, "high");
    }

    void exactAtTheEnd()
    {
        const auto a = estimateFinalAccuracy(700, 872, 872);
        QVERIFY(a.exact());
        QCOMPARE(a.interval.low, 700.0 / 872.0);
        QCOMPARE(a.interval.high, 700.0 / 872.0);
        const auto d = estimateFinalPairedDelta(9, 4, 872, 872);
        QVERIFY(d.exact());
        QCOMPARE(d.value, -5.0 / 872.0);
        QCOMPARE(d.width(), 0.0);
    }

    void shrinksAsExamplesArrive()
    {
        // Same rate of changes, more examples: narrower, and never wider than what is reachable.
        double lastWidth = 1e9;
        for (int64_t n : {10, 50, 200, 500, 800, 1000}) {
            const auto d = estimateFinalPairedDelta(n / 20, n / 50, n, 1000);
            QVERIFY2(d.width() < lastWidth, qPrintable(QStringLiteral("n = %1").arg(n)));
            QVERIFY(d.width() <= 2.0 * double(1000 - n) / 1000.0 + 1e-12);
            lastWidth = d.width();
        }
        QCOMPARE(lastWidth, 0.0);
    }

    void nothingDoneYet()
    {
        const auto a = estimateFinalAccuracy(0, 0, 10);
        QCOMPARE(a.interval.low, 0.0);
        QCOMPARE(a.interval.high, 1.0);
        const auto d = estimateFinalPairedDelta(0, 0, 0, 10);
        QCOMPARE(d.interval.low, -1.0);
        QCOMPARE(d.interval.high, 1.0);
        const auto empty = estimateFinalAccuracy(0, 0, 0);
        QCOMPARE(empty.population, int64_t(0));
    }

    // After 10% of a random order, the 95% interval must hold the final change in >= 93% of
    // runs, also when few predictions change (where plain Wald intervals collapse to a point).
    void pairedCoverageAfterTenPercent_data()
    {
        QTest::addColumn<double>("flipRate");
        QTest::newRow("rare changes (0.5%)") << 0.005;
        QTest::newRow("some changes (3%)") << 0.03;
        QTest::newRow("many changes (20%)") << 0.2;
    }
    void pairedCoverageAfterTenPercent()
    {
        QFETCH(double, flipRate);
        std::mt19937_64 rng(1234);
        const size_t n = 872;
        const size_t done = n / 10;
        int covered = 0, covAcc = 0;
        const int runs = 2000;
        for (int run = 0; run < runs; ++run) {
            Population p = simulate(n, 0.8, flipRate, rng);
            int64_t finalSum = 0, finalCorrect = 0;
            for (size_t i = 0; i < n; ++i) {
                finalSum += int64_t(p.current[i]) - int64_t(p.baseline[i]);
                finalCorrect += p.current[i];
            }
            std::vector<size_t> order(n);
            for (size_t i = 0; i < n; ++i)
                order[i] = i;
            std::shuffle(order.begin(), order.end(), rng);
            int64_t b = 0, c = 0, k = 0;
            for (size_t j = 0; j < done; ++j) {
                const size_t i = order[j];
                b += p.baseline[i] && !p.current[i] ? 1 : 0;
                c += !p.baseline[i] && p.current[i] ? 1 : 0;
                k += p.current[i];
            }
            const double finalDelta = double(finalSum) / double(n);
            const auto d = estimateFinalPairedDelta(b, c, int64_t(done), int64_t(n));
            covered += d.interval.low <= finalDelta + 1e-12 && finalDelta <= d.interval.high + 1e-12 ? 1 : 0;
            const double finalAcc = double(finalCorrect) / double(n);
            const auto a = estimateFinalAccuracy(k, int64_t(done), int64_t(n));
            covAcc += a.interval.low <= finalAcc + 1e-12 && finalAcc <= a.interval.high + 1e-12 ? 1 : 0;
        }
        const double coverage = double(covered) / runs;
        const double accuracyCoverage = double(covAcc) / runs;
        qInfo("flip rate %.3f: delta coverage %.4f, accuracy coverage %.4f", flipRate, coverage, accuracyCoverage);
        QVERIFY2(coverage >= 0.93, qPrintable(QStringLiteral("delta coverage %1").arg(coverage)));
        QVERIFY2(accuracyCoverage >= 0.93, qPrintable(QStringLiteral("accuracy coverage %1").arg(accuracyCoverage)));
    }
};

QTEST_GUILESS_MAIN(TestStreamingEstimate)
#include "tst_streaming_estimate.moc"
