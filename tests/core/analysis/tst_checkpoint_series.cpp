// Training dynamics over a checkpoint series: the folder listing (training order, non-checkpoint
// folders ignored), each checkpoint's results equal to the single-model analyses run on their
// own, progress over the whole series, cancelling, bad folders, and the JSON round trip.
#include "analysis/checkpoint_series.h"
#include "analysis/dataset_loader.h"
#include "report/result_json.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

using namespace headscope::core;
using namespace headscope::testing;

class TestCheckpointSeries : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_series, m_data;

    static void compareMatrices(const Matrix& a, const Matrix& b)
    {
        QCOMPARE(a.size(), b.size());
        for (size_t l = 0; l < a.size(); ++l) {
            QCOMPARE(a[l].size(), b[l].size());
            for (size_t h = 0; h < a[l].size(); ++h)
                QVERIFY2(std::fabs(a[l][h] - b[l][h]) <= 1e-12, qPrintable(QStringLiteral("%1:%2").arg(l).arg(h)));
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_series = m_dir.filePath(QStringLiteral("run"));
        // Written out of order, with names whose text order is not the training order.
        const std::vector<std::pair<const char*, uint64_t>> checkpoints{{"epoch-10", 3}, {"epoch-2", 2}, {"epoch-01", 1}};
        for (const auto& [name, seed] : checkpoints) {
            TinyBertSpec spec;
            spec.nLayers = 2;
            spec.nHeads = 2;
            spec.seed = seed;
            spec.weightScale = 0.6f;
            writeTinyBert(QDir(m_series).filePath(QString::fromLatin1(name)).toStdString(), spec);
        }
        QVERIFY(QDir(m_series).mkpath(QStringLiteral("logs"))); // no config.json: not a checkpoint
        m_data = m_dir.filePath(QStringLiteral("dev.tsv"));
        writeTinyDataset(m_data.toStdString(), 24, false, 5);
    }

    void listsCheckpointsInTrainingOrder()
    {
        const auto list = listCheckpoints(m_series.toStdString());
        QVERIFY(list.ok());
        QCOMPARE(list->size(), size_t(3));
        QCOMPARE(QString::fromStdString((*list)[0].name), QStringLiteral("epoch-01"));
        QCOMPARE((*list)[0].epoch, 1);
        QCOMPARE((*list)[1].epoch, 2);
        QCOMPARE((*list)[2].epoch, 10);

        const auto missing = listCheckpoints(m_dir.filePath(QStringLiteral("nowhere")).toStdString());
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().code == ErrorCode::FileNotFound);
        QVERIFY(missing.error().path.find("nowhere") != std::string::npos);
        const auto empty = listCheckpoints(QDir(m_series).filePath(QStringLiteral("logs")).toStdString());
        QVERIFY(!empty.ok());
        QVERIFY(empty.error().message.find("no checkpoint") != std::string::npos);
    }

    void eachCheckpointMatchesItsOwnAnalysis()
    {
        const auto list = listCheckpoints(m_series.toStdString()).value();
        CheckpointSeriesParams params;
        params.dataPath = m_data.toStdString();
        params.importanceParams.batchSize = 8;
        params.curveParams.orders = {PruneOrder::Importance};
        params.curveParams.base.stepPercent = 25.0;
        params.curveParams.base.batchSize = 8;
        params.curveParams.base.importance = params.importanceParams;
        std::vector<std::string> seen;
        int64_t lastDone = -1, lastTotal = 0;
        bool monotonic = true;
        auto progress = [&](int64_t done, int64_t total) {
            monotonic = monotonic && done >= lastDone && (lastTotal == 0 || total == lastTotal);
            lastDone = done;
            lastTotal = total;
            return true;
        };
        const auto r = analyzeCheckpoints(list, params, progress,
                                          [&](const CheckpointAnalysis& c) { seen.push_back(c.checkpoint.name); });
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().toString().c_str());
        QCOMPARE(seen, (std::vector<std::string>{"epoch-01", "epoch-2", "epoch-10"}));
        QVERIFY(monotonic);
        QCOMPARE(r->checkpoints.size(), size_t(3));
        QCOMPARE(r->data.n, int64_t(24));

        for (const auto& c : r->checkpoints) {
            const auto model = EncoderModel::load(c.checkpoint.path).value();
            const auto data = loadEncodedDataset(m_data.toStdString(), {}, *model, defaultMaxLength(*model)).value();
            ImportanceParams ip = params.importanceParams;
            ip.mask = model->fullMask();
            const auto importance = computeImportance(*model, data.encoded, ip).value();
            QVERIFY(c.importance.has_value());
            compareMatrices(c.importance->raw, importance.raw);
            PruneCurveParams cp = params.curveParams.base;
            cp.order = PruneOrder::Importance;
            const auto curve = computePruneCurve(*model, data.encoded, cp).value();
            QVERIFY(c.curves.has_value());
            const auto& points = c.curves->curves.front().points;
            QCOMPARE(points.size(), curve.points.size()); // 0, 25, 50, 75, 100 %
            QCOMPARE(points.size(), size_t(5));
            for (size_t i = 0; i < points.size(); ++i) {
                QCOMPARE(points[i].nPruned, curve.points[i].nPruned);
                QCOMPARE(points[i].accuracy, curve.points[i].accuracy);
                QVERIFY(points[i].mask == curve.points[i].mask);
            }
            QCOMPARE(c.nLayers, 2);
            QCOMPARE(c.nParameters, model->parameterCount());
        }

        // The series in JSON and back.
        const auto back = headscope::core::report::checkpointsFromJson(
            headscope::core::report::Json::parse(headscope::core::report::formatJson(headscope::core::report::toJson(*r))));
        QVERIFY(back.ok());
        QCOMPARE(back->checkpoints.size(), size_t(3));
        QCOMPARE(back->checkpoints[2].checkpoint.epoch, 10);
        compareMatrices(back->checkpoints[1].importance->normalized, r->checkpoints[1].importance->normalized);
        QVERIFY(back->checkpoints[1].curves->curves.front().points[2].mask ==
                r->checkpoints[1].curves->curves.front().points[2].mask);
    }

    void cancelStopsTheSeries()
    {
        const auto list = listCheckpoints(m_series.toStdString()).value();
        CheckpointSeriesParams params;
        params.dataPath = m_data.toStdString();
        params.pruneCurves = false;
        int finished = 0;
        const auto r = analyzeCheckpoints(
            list, params, [&](int64_t, int64_t) { return finished == 0; }, [&](const CheckpointAnalysis&) { ++finished; });
        QVERIFY(!r.ok());
        QVERIFY(r.error().code == ErrorCode::Cancelled);
        QCOMPARE(finished, 1);
    }

    void aBadCheckpointIsNamed()
    {
        QTemporaryDir dir;
        TinyBertSpec spec;
        writeTinyBert(dir.filePath(QStringLiteral("epoch-1")).toStdString(), spec);
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("epoch-2")));
        QFile broken(dir.filePath(QStringLiteral("epoch-2/config.json")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("{\"model_type\": ");
        broken.close();
        CheckpointSeriesParams params;
        params.dataPath = m_data.toStdString();
        const auto r = analyzeCheckpoints(listCheckpoints(dir.path().toStdString()).value(), params);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().path.find("epoch-2") != std::string::npos, r.error().toString().c_str());
    }
};

QTEST_GUILESS_MAIN(TestCheckpointSeries)
#include "tst_checkpoint_series.moc"
