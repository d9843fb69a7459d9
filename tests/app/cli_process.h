#pragma once
// Runs the built headscope-cli for the app tests and parses its JSON output.
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <cmath>

namespace clitest {

struct CliRun
{
    int exitCode = -1;
    bool finished = false;
    QByteArray out;
    QByteArray err;
    QJsonObject json; // parsed stdout when it held one JSON object
    bool jsonOk = false;
};

inline QString cliBinary()
{
    return QStringLiteral(HEADSCOPE_BINARY_DIR "/app/cli/headscope-cli");
}

inline QString fixturesDir()
{
    return QStringLiteral(HEADSCOPE_FIXTURES_DIR);
}

inline QString referenceDir()
{
    return fixturesDir() + QStringLiteral("/reference");
}

/// Runs the CLI to completion (ten minutes at most) with the given arguments.
inline CliRun runCli(const QStringList& args)
{
    CliRun r;
    QProcess p;
    p.start(cliBinary(), args);
    if (!p.waitForStarted(60000)) return r;
    r.finished = p.waitForFinished(600000);
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    r.jsonOk = error.error == QJsonParseError::NoError && doc.isObject();
    if (r.jsonOk) r.json = doc.object();
    return r;
}

/// Reads a JSON object file (the reference fixtures).
inline QJsonObject readJsonObject(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

/// Writes a HeadScope mask JSON for a 4x4 model from {"layer": [heads]} (as the fixtures hold).
inline bool writeMaskJson(const QString& path, const QJsonObject& prunedHeads, int layers, int heads)
{
    QJsonObject model{{QStringLiteral("architecture"), QStringLiteral("bert")},
                      {QStringLiteral("layers"), layers},
                      {QStringLiteral("heads"), heads}};
    QJsonObject root{{QStringLiteral("format"), QStringLiteral("headscope-mask")},
                     {QStringLiteral("version"), 1},
                     {QStringLiteral("model"), model},
                     {QStringLiteral("pruned"), QJsonObject{{QStringLiteral("encoder_self"), prunedHeads}}}};
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) return false;
    return f.write(QJsonDocument(root).toJson()) > 0;
}

/// Largest |a - b| over two equally shaped numeric matrices or vectors; +inf when shapes differ.
inline double maxAbsDiff(const QJsonValue& a, const QJsonValue& b)
{
    if (a.isArray() && b.isArray()) {
        const QJsonArray x = a.toArray(), y = b.toArray();
        if (x.size() != y.size()) return INFINITY;
        double m = 0.0;
        for (qsizetype i = 0; i < x.size(); ++i)
            m = std::max(m, maxAbsDiff(x[i], y[i]));
        return m;
    }
    if (!a.isDouble() || !b.isDouble()) return INFINITY;
    return std::fabs(a.toDouble() - b.toDouble());
}

/// Largest |a - b| / |b| (b: the reference) over equally shaped numeric arrays.
inline double maxRelDiff(const QJsonValue& a, const QJsonValue& b)
{
    if (a.isArray() && b.isArray()) {
        const QJsonArray x = a.toArray(), y = b.toArray();
        if (x.size() != y.size()) return INFINITY;
        double m = 0.0;
        for (qsizetype i = 0; i < x.size(); ++i)
            m = std::max(m, maxRelDiff(x[i], y[i]));
        return m;
    }
    if (!a.isDouble() || !b.isDouble()) return INFINITY;
    const double ref = std::fabs(b.toDouble());
    return std::fabs(a.toDouble() - b.toDouble()) / (ref > 0 ? ref : 1.0);
}

} // namespace clitest
