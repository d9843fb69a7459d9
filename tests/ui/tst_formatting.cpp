// Number formatting shared by the pages, on hand-worked values.
#include "util/formatting.h"

#include <QTest>

#include <limits>

using namespace headscope::ui;

class TestFormatting : public QObject
{
    Q_OBJECT
private slots:
    void percentAndDelta()
    {
        QCOMPARE(format::percent(0.81194), QStringLiteral("81.19 %"));
        QCOMPARE(format::percent(1.0, 1), QStringLiteral("100.0 %"));
        QCOMPARE(format::percent(std::numeric_limits<double>::quiet_NaN()), QStringLiteral("–"));
        QCOMPARE(format::deltaPoints(-0.008), QStringLiteral("\u22120.80 pts"));
        QCOMPARE(format::deltaPoints(0.0125), QStringLiteral("+1.25 pts"));
        QCOMPARE(format::deltaPoints(-0.00001), QStringLiteral("0.00 pts")); // rounds to zero: no sign
    }

    void countsBytesTimes()
    {
        QCOMPARE(format::count(9999), QStringLiteral("9999"));
        QCOMPARE(format::count(821858), QStringLiteral("821.9 k"));
        QCOMPARE(format::count(109482240), QStringLiteral("109.48 M"));
        QCOMPARE(format::bytes(3287432), QStringLiteral("3.3 MB"));
        QCOMPARE(format::bytes(512), QStringLiteral("512 B"));
        QCOMPARE(format::duration(850), QStringLiteral("850 ms"));
        QCOMPARE(format::duration(12340), QStringLiteral("12.3 s"));
        QCOMPARE(format::duration(125000), QStringLiteral("2 min 05 s"));
        QCOMPARE(format::milliseconds(0.41234), QStringLiteral("0.412 ms"));
        QCOMPARE(format::milliseconds(14.44), QStringLiteral("14.4 ms"));
        QCOMPARE(format::number(2210.4), QStringLiteral("2,210"));
        QCOMPARE(format::number(69.44), QStringLiteral("69.4"));
        QCOMPARE(format::rate(0.0), QStringLiteral("–"));
    }
};

QTEST_GUILESS_MAIN(TestFormatting)
#include "tst_formatting.moc"
