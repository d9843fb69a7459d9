// File > Export and headscope-cli write the same JSON for the same result: the GUI runs each
// analysis on a fixture, the CLI runs the matching subcommand on the same files, and the two
// documents are compared key by key (same keys in the same order, same strings, numbers equal
// to 1e-9 relative). Only wall-clock timings may differ.
#include "../app/cli_process.h"
#include "analysis_fixture.h"
#include "export/result_export.h"
#include "report/json_text.h"

#include <QtTest>
#include <cmath>
#include <set>

using namespace headscope;
using namespace headscope::ui;
using headscope::testing::AnalysisFixture;
using Json = core::report::Json;

namespace {

// Keys whose values are measured times: their presence and type must match, not their value.
const std::set<std::string> kTimings{"seconds",         "median_ms", "q1_ms", "q3_ms", "examples_per_second",
                                     "speedup",         "total_seconds", "mean_batch_ms", "ms_per_example"};

// Empty when equal, else the first difference with its path.
std::string difference(const Json& a, const Json& b, const std::string& path, bool timing = false)
{
    if (timing)
        return a.is_number() == b.is_number() || a.type() == b.type() ? "" : path + ": type differs";
    if (a.is_number() && b.is_number()) {
        const double x = a.get<double>(), y = b.get<double>();
        return std::fabs(x - y) <= 1e-9 * std::max(1.0, std::max(std::fabs(x), std::fabs(y)))
                   ? ""
                   : path + ": " + a.dump() + " vs " + b.dump();
    }
    if (a.type() != b.type())
        return path + ": " + a.dump() + " vs " + b.dump();
    if (a.is_object()) {
        std::vector<std::string> ka, kb;
        for (auto it = a.begin(); it != a.end(); ++it)
            ka.push_back(it.key());
        for (auto it = b.begin(); it != b.end(); ++it)
            kb.push_back(it.key());
        if (ka != kb)
            return path + ": keys " + Json(ka).dump() + " vs " + Json(kb).dump();
        for (const auto& k : ka) {
            const std::string d = difference(a.at(k), b.at(k), path + "." + k, kTimings.count(k) > 0);
            if (!d.empty())
                return d;
        }
        return "";
    }
    if (a.is_array()) {
        if (a.size() != b.size())
            return path + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " elements";
        for (size_t i = 0; i < a.size(); ++i) {
            const std::string d = difference(a.at(i), b.at(i), path + "[" + std::to_string(i) + "]");
            if (!d.empty())
                return d;
        }
        return "";
    }
    return a == b ? "" : path + ": " + a.dump() + " vs " + b.dump();
}

} // namespace

class TestExportMatchesCli : public QObject
{
    Q_OBJECT

private:
    AnalysisFixture m_fixture;

    Json runCli(QStringList args)
    {
        args += {QStringLiteral("--model"), m_fixture.modelDir, QStringLiteral("--batch-size"),
                 QString::number(AnalysisFixture::kBatchSize), QStringLiteral("--json"), QStringLiteral("-")};
        const clitest::CliRun r = clitest::runCli(args);
        if (r.exitCode != 0)
            qWarning("%s", r.err.constData());
        return r.exitCode == 0 ? Json::parse(r.out.toStdString()) : Json();
    }

    // The CLI's document for args vs the export's, for the envelope keys and one result.
    void compareWith(const Json& exported, const QStringList& args, const char* kind,
                     const std::vector<const char*>& envelopeKeys)
    {
        const Json cli = runCli(args);
        QVERIFY2(cli.is_object(), kind);
        QCOMPARE(cli.at("schema").get<int>(), exported.at("schema").get<int>());
        for (const char* key : envelopeKeys) {
            const std::string d = difference(cli.at(key), exported.at(key), key);
            QVERIFY2(d.empty(), d.c_str());
        }
        QVERIFY2(exported.at("results").contains(kind), kind);
        const std::string d = difference(cli.at("results").at(kind), exported.at("results").at(kind),
                                         std::string("results.") + kind);
        QVERIFY2(d.empty(), d.c_str());
    }

private slots:
    void initTestCase()
    {
        if (!QFileInfo::exists(clitest::cliBinary()))
            QFAIL(qPrintable(clitest::cliBinary() + QStringLiteral(" is not built")));
        QVERIFY(m_fixture.write());
    }

    void everyResultIsWrittenAsTheCliWritesIt()
    {
        SessionState session;
        AnalysisController analysis(&session);
        QVERIFY(AnalysisFixture::load(session, m_fixture.modelDir, m_fixture.dataFile));

        analysis.runImportance(core::ImportanceMethod::MaskGradient, core::ImportanceNormalization::Layer);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kImportanceJob);
        analysis.runAblation(core::AblationMode::SingleHead);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kAblationJob);
        analysis.runAblation(core::AblationMode::KeepOne);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kAblationJob);
        analysis.runEntropy();
        AnalysisFixture::waitForJob(analysis, AnalysisController::kEntropyJob);
        AnalysisController::CurveRequest curves;
        curves.orders = {core::PruneOrder::Importance, core::PruneOrder::Random};
        curves.stepPercent = 25.0;
        curves.seed = 42;
        analysis.runCurves(curves);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kCurveJob);
        analysis.runCompare(m_fixture.dataFileB, AnalysisController::CompareWhat::Importance);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kCompareJob);
        AnalysisController::LatencyRequest latency;
        latency.batchSizes = {1, 2};
        latency.seqLength = 16;
        latency.warmupRuns = 1;
        latency.timedRuns = 2;
        analysis.runLatency(latency);
        AnalysisFixture::waitForJob(analysis, AnalysisController::kLatencyJob);

        // Through the file, as a user would read it.
        const QString path = m_fixture.dir.filePath(QStringLiteral("export.json"));
        QVERIFY(resultexport::writeResults(analysis, path, resultexport::Format::Json).ok());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const Json exported = Json::parse(file.readAll().toStdString());
        QCOMPARE(exported.at("command").get<std::string>(), std::string("export"));
        QCOMPARE(exported.at("results").size(), size_t(7));

        const QString a = m_fixture.dataFile, b = m_fixture.dataFileB;
        const std::vector<const char*> withData{"model", "data", "max_length", "mask"};
        compareWith(exported, {QStringLiteral("importance"), QStringLiteral("--data"), a}, "importance", withData);
        compareWith(exported, {QStringLiteral("ablate"), QStringLiteral("--data"), a}, "ablation", withData);
        compareWith(exported,
                    {QStringLiteral("ablate"), QStringLiteral("--mode"), QStringLiteral("keep-one"),
                     QStringLiteral("--data"), a},
                    "keep_one", withData);
        compareWith(exported, {QStringLiteral("attention"), QStringLiteral("--data"), a}, "entropy", withData);
        compareWith(exported,
                    {QStringLiteral("prune-curve"), QStringLiteral("--data"), a, QStringLiteral("--order"),
                     QStringLiteral("importance,random"), QStringLiteral("--step"), QStringLiteral("25"),
                     QStringLiteral("--seed"), QStringLiteral("42")},
                    "prune_curves", {"model", "data", "max_length"});
        compareWith(exported,
                    {QStringLiteral("compare"), QStringLiteral("--data"), a, QStringLiteral("--data2"), b,
                     QStringLiteral("--what"), QStringLiteral("importance")},
                    "compare", {"model", "data", "max_length"});
        compareWith(exported,
                    {QStringLiteral("bench"), QStringLiteral("--batch-sizes"), QStringLiteral("1,2"),
                     QStringLiteral("--seq-len"), QStringLiteral("16"), QStringLiteral("--warmup"),
                     QStringLiteral("1"), QStringLiteral("--runs"), QStringLiteral("2"), QStringLiteral("--seed"),
                     QStringLiteral("1")},
                    "latency", {"model", "mask"});
    }

    void comparisonCatchesADifference()
    {
        // The comparison itself must be able to fail: a changed number, a renamed key.
        Json a = Json::parse(R"({"x": {"scores": [[0.5, null]], "seconds": 1.0}})");
        Json b = a;
        b["x"]["seconds"] = 2.0; // timings may differ
        QVERIFY(difference(a, b, "").empty());
        b["x"]["scores"][0][0] = 0.5000001;
        QVERIFY(!difference(a, b, "").empty());
        Json c = Json::parse(R"({"x": {"score": [[0.5, null]], "seconds": 1.0}})");
        QVERIFY(!difference(a, c, "").empty());
    }
};

QTEST_MAIN(TestExportMatchesCli)
#include "tst_export_matches_cli.moc"
