// Expected values were computed independently with /usr/bin/python3 (scipy is not installed):
// mpmath at 40 digits for the Wilson bounds and for the t-test (the t density integrated with
// mp.quad, cross-checked with the regularised incomplete beta betainc(df/2, 1/2, 0, df/(df+t^2))),
// exact binomial sums with fractions.Fraction for McNemar, a hand-written average-rank routine
// plus mpmath for Pearson/Spearman, and numpy.quantile / numpy.median for the quantiles.
#include "metrics/statistics.h"

#include "test_checks.h"

#include <QtTest>
#include <cmath>

using namespace headscope::core;


class TestStatistics : public QObject
{
    Q_OBJECT

private slots:
    void wilson_data();
    void wilson();
    void wilsonEmpty();
    void pairedTTest();
    void pairedTTestDegenerate();
    void mcnemar_data();
    void mcnemar();
    void mcnemarFromVectors();
    void pearsonWithTies();
    void spearmanWithTies();
    void averageRanksTies();
    void correlationDegenerate();
    void quantiles_data();
    void quantiles();
    void medianOddEven();
};

void TestStatistics::wilson_data()
{
    QTest::addColumn<qint64>("k");
    QTest::addColumn<qint64>("n");
    QTest::addColumn<double>("low");
    QTest::addColumn<double>("high");
    // mpmath: centre = (p + z^2/2n)/(1 + z^2/n), half = z/(1 + z^2/n) sqrt(p(1-p)/n + z^2/4n^2).
    QTest::newRow("0/10") << qint64(0) << qint64(10) << 0.0 << 0.2775327998628892;
    QTest::newRow("5/10") << qint64(5) << qint64(10) << 0.236593090512564 << 0.763406909487436;
    QTest::newRow("10/10") << qint64(10) << qint64(10) << 0.7224672001371108 << 1.0;
    QTest::newRow("785/872") << qint64(785) << qint64(872) << 0.8785486243951878 << 0.91839926265716221;
    QTest::newRow("1/1") << qint64(1) << qint64(1) << 0.20654931437723743 << 1.0;
}

void TestStatistics::wilson()
{
    QFETCH(qint64, k);
    QFETCH(qint64, n);
    QFETCH(double, low);
    QFETCH(double, high);
    const Interval iv = wilsonInterval(k, n);
    expectNear(iv.low, low, 1e-12, "low");
    expectNear(iv.high, high, 1e-12, "high");
    QVERIFY(iv.low >= 0.0);
    QVERIFY(iv.high <= 1.0);
}

void TestStatistics::wilsonEmpty()
{
    const Interval iv = wilsonInterval(0, 0);
    QCOMPARE(iv.low, 0.0);
    QCOMPARE(iv.high, 1.0);
}

void TestStatistics::pairedTTest()
{
    // d = {0.02, 0.01, 0.03, -0.01, 0.04}: t = 2.0924574973887471, df = 4.
    expectNear(pairedTTestPValue(std::vector<double>{0.91, 0.88, 0.93, 0.86, 0.90},
                                 std::vector<double>{0.89, 0.87, 0.90, 0.87, 0.86}),
               0.10453999977837546, 1e-10, "float vectors");
    // 0/1 correctness vectors: d has four 1s and six 0s, t = 1.9639610121239314, df = 9.
    const std::vector<uint8_t> a{1, 1, 1, 0, 1, 1, 0, 1, 1, 1};
    const std::vector<uint8_t> b{1, 0, 1, 0, 0, 1, 0, 1, 0, 1};
    expectNear(pairedTTestPValue(a, b), 0.081126188845840643, 1e-10, "0/1 vectors");
    expectNear(pairedTTestPValue(b, a), 0.081126188845840643, 1e-10, "symmetric");
    // n = 2, d = {2, -1}: t = 1/3, df = 1.
    expectNear(pairedTTestPValue(std::vector<double>{3.0, 1.0}, std::vector<double>{1.0, 2.0}),
               0.79516723530086655, 1e-10, "n = 2");
}

void TestStatistics::pairedTTestDegenerate()
{
    const std::vector<double> x{0.5, 0.25, 1.0};
    QCOMPARE(pairedTTestPValue(x, x), 1.0);                                                       // all zero
    QCOMPARE(pairedTTestPValue(std::vector<double>{2, 3, 4}, std::vector<double>{1, 2, 3}), 0.0); // constant
    QCOMPARE(pairedTTestPValue(std::vector<double>{1.0}, std::vector<double>{0.0}), 1.0);         // n < 2
    QCOMPARE(pairedTTestPValue(std::vector<double>{}, std::vector<double>{}), 1.0);
    QVERIFY(std::isnan(pairedTTestPValue(std::vector<double>{1, 2}, std::vector<double>{1})));
    QVERIFY(std::isnan(pairedTTestPValue(std::vector<double>{1, std::nan("")}, std::vector<double>{1, 2})));
}

void TestStatistics::mcnemar_data()
{
    QTest::addColumn<qint64>("b");
    QTest::addColumn<qint64>("c");
    QTest::addColumn<double>("p");
    // Exact: min(1, 2 * sum_{i<=min(b,c)} C(b+c, i) / 2^(b+c)).
    QTest::newRow("1,6") << qint64(1) << qint64(6) << 0.125;        // 2 * 8/128
    QTest::newRow("0,5") << qint64(0) << qint64(5) << 0.0625;       // 2 * 1/32
    QTest::newRow("4,4") << qint64(4) << qint64(4) << 1.0;          // capped at 1
    QTest::newRow("7,2") << qint64(7) << qint64(2) << 0.1796875;    // 23/128
    QTest::newRow("3,12") << qint64(3) << qint64(12) << 0.03515625; // 9/256
    QTest::newRow("20,40") << qint64(20) << qint64(40) << 0.01348929373119186;
    QTest::newRow("0,0") << qint64(0) << qint64(0) << 1.0;
}

void TestStatistics::mcnemar()
{
    QFETCH(qint64, b);
    QFETCH(qint64, c);
    QFETCH(double, p);
    expectNear(mcnemarExactPValue(b, c), p, 1e-13, "p");
}

void TestStatistics::mcnemarFromVectors()
{
    // Pairs: (1,0) once -> b = 1; (0,1) six times -> c = 6; the rest agree.
    const std::vector<uint8_t> a{1, 0, 0, 0, 0, 0, 0, 1, 1, 0};
    const std::vector<uint8_t> b{0, 1, 1, 1, 1, 1, 1, 1, 1, 0};
    expectNear(mcnemarExactPValue(a, b), 0.125, 1e-13, "b=1 c=6");
    expectNear(mcnemarExactPValue(b, a), 0.125, 1e-13, "swapped");
    QCOMPARE(mcnemarExactPValue(a, a), 1.0);
    QVERIFY(std::isnan(mcnemarExactPValue(a, std::vector<uint8_t>{1, 0})));
}

void TestStatistics::pearsonWithTies()
{
    const std::vector<double> x{1, 2, 2, 3, 5, 5, 5, 8};
    const std::vector<double> y{2, 1, 4, 4, 6, 3, 7, 9};
    expectNear(pearson(x, y), 0.85004486421978968, 1e-13, "pearson");
    expectNear(pearson(y, x), 0.85004486421978968, 1e-13, "pearson symmetric");
    std::vector<double> negY;
    for (double v : y)
        negY.push_back(-2.0 * v + 1.0);
    expectNear(pearson(x, negY), -0.85004486421978968, 1e-13, "pearson affine");
}

void TestStatistics::spearmanWithTies()
{
    const std::vector<double> x{1, 2, 2, 3, 5, 5, 5, 8};
    const std::vector<double> y{2, 1, 4, 4, 6, 3, 7, 9};
    expectNear(spearman(x, y), 0.78418969951496906, 1e-13, "spearman");
    // Monotone transforms do not change Spearman.
    std::vector<double> xCubed;
    for (double v : x)
        xCubed.push_back(v * v * v);
    expectNear(spearman(xCubed, y), 0.78418969951496906, 1e-13, "spearman monotone");
}

void TestStatistics::averageRanksTies()
{
    const std::vector<double> expectedX{1, 2.5, 2.5, 4, 6, 6, 6, 8};
    QCOMPARE(averageRanks({1, 2, 2, 3, 5, 5, 5, 8}), expectedX);
    const std::vector<double> expectedY{2, 1, 4.5, 4.5, 6, 3, 7, 8};
    QCOMPARE(averageRanks({2, 1, 4, 4, 6, 3, 7, 9}), expectedY);
    const std::vector<double> allTied{2, 2, 2};
    QCOMPARE(averageRanks({7, 7, 7}), allTied);
    QVERIFY(averageRanks({}).empty());
}

void TestStatistics::correlationDegenerate()
{
    QVERIFY(std::isnan(pearson({1, 1, 1}, {1, 2, 3})));
    QVERIFY(std::isnan(pearson({1, 2, 3}, {1, 2})));
    QVERIFY(std::isnan(pearson({1}, {2})));
    QVERIFY(std::isnan(spearman({4, 4, 4}, {1, 2, 3})));
    QCOMPARE(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
    QCOMPARE(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
    QVERIFY(std::isnan(spearman({1, std::nan(""), 3}, {1, 2, 3})));
    QVERIFY(std::isnan(pearson({1, 2, std::nan("")}, {1, 2, 3})));
}

void TestStatistics::quantiles_data()
{
    QTest::addColumn<double>("q");
    QTest::addColumn<double>("expected");
    // numpy.quantile([7, 1, 3, 10, 4, 2], q)
    QTest::newRow("0") << 0.0 << 1.0;
    QTest::newRow("0.1") << 0.1 << 1.5;
    QTest::newRow("0.25") << 0.25 << 2.25;
    QTest::newRow("0.5") << 0.5 << 3.5;
    QTest::newRow("0.75") << 0.75 << 6.25;
    QTest::newRow("0.9") << 0.9 << 8.5;
    QTest::newRow("1") << 1.0 << 10.0;
}

void TestStatistics::quantiles()
{
    QFETCH(double, q);
    QFETCH(double, expected);
    expectNear(quantile({7, 1, 3, 10, 4, 2}, q), expected, 1e-12, "quantile");
}

void TestStatistics::medianOddEven()
{
    QCOMPARE(median({7, 1, 3, 10, 4, 2}), 3.5); // numpy.median
    QCOMPARE(median({5, 1, 3}), 3.0);
    QCOMPARE(median({42}), 42.0);
    QVERIFY(std::isnan(median({})));
    QVERIFY(std::isnan(quantile({1, std::nan(""), 3}, 0.5)));
}

QTEST_GUILESS_MAIN(TestStatistics)
#include "tst_statistics.moc"
