#pragma once
// Assertions shared by the engine tests.
#include <QString>
#include <QtTest>

/// Fails the test (naming the engine's error) unless the Result r holds a value.
#define REQUIRE_OK(r)                                                                                        \
    QVERIFY2((r).ok(), (r).ok() ? "" : qPrintable(QString::fromStdString((r).error().toString())))
