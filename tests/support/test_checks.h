#pragma once
// Assertions shared by the engine tests.
#include <QString>
#include <cmath>
#include <QtTest>

/// Fails the test (naming the engine's error) unless the Result r holds a value.
#define REQUIRE_OK(r)                                                                                        \
    QVERIFY2((r).ok(), (r).ok() ? "" : qPrintable(QString::fromStdString((r).error().toString())))

/// Fails the test unless |actual - expected| <= tol, printing both to 17 digits.
inline void expectNear(double actual, double expected, double tol, const char* what)
{
    if (!(std::fabs(actual - expected) <= tol))
        QFAIL(qPrintable(QStringLiteral("%1: got %2, expected %3")
                             .arg(QString::fromLatin1(what))
                             .arg(actual, 0, 'g', 17)
                             .arg(expected, 0, 'g', 17)));
}
