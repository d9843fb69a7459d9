#pragma once
// Assertions shared by the engine tests.
#include <QString>
#include <cmath>
#include <QtTest>

/// Fails the test (naming the engine's error) unless the Result r holds a value.
/// r is evaluated once (it may be a call that runs the engine).
#define REQUIRE_OK(r)                                                                                        \
    do {                                                                                                     \
        const auto& requireOkResult_ = (r);                                                                  \
        QVERIFY2(requireOkResult_.ok(), requireOkResult_.ok()                                                \
                                            ? ""                                                             \
                                            : qPrintable(QString::fromStdString(requireOkResult_.error().toString()))); \
    } while (false)

/// Fails the test unless |actual - expected| <= tol, printing both to 17 digits.
inline void expectNear(double actual, double expected, double tol, const char* what)
{
    if (!(std::fabs(actual - expected) <= tol))
        QFAIL(qPrintable(QStringLiteral("%1: got %2, expected %3")
                             .arg(QString::fromLatin1(what))
                             .arg(actual, 0, 'g', 17)
                             .arg(expected, 0, 'g', 17)));
}
