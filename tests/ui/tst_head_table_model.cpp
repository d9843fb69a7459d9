// HeadTableModel on a tiny BERT loaded through SessionState: shape, headers, roles, mask
// toggles through setData (the session is the source of truth), layer toggles, score sets and
// ranks, and QAbstractItemModelTester throughout.
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "session/session_state.h"
#include "tiny_bert_writer.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace headscope;
using namespace headscope::ui;

class TestHeadTableModel : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_modelDir;

    /// Loads the tiny model (3 layers x 4 heads, head 1 of layer 0 pruned in the checkpoint).
    bool load(SessionState& session)
    {
        QSignalSpy changed(&session, &SessionState::modelChanged);
        QSignalSpy failed(&session, &SessionState::errorOccurred);
        session.loadModel(m_modelDir);
        if (!changed.wait(60000)) {
            qWarning() << "model did not load:" << (failed.isEmpty() ? QString() : failed.first().at(1).toString());
            return false;
        }
        return true;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_modelDir = m_dir.filePath(QStringLiteral("tiny"));
        testing::TinyBertSpec spec;
        spec.nLayers = 3;
        spec.nHeads = 4;
        spec.prunedHeads = {{1}, {}, {}};
        testing::writeTinyBert(m_modelDir.toStdString(), spec);
    }

    void emptyWithoutModel()
    {
        SessionState session;
        HeadTableModel* model = session.headModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model->rowCount(), 0);
        QCOMPARE(model->columnCount(), 0);
    }

    void shapeHeadersAndRoles()
    {
        SessionState session;
        HeadTableModel* model = session.headModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(load(session));
        QCOMPARE(model->rowCount(), 3);
        QCOMPARE(model->columnCount(), 4);
        QCOMPARE(model->headerData(2, Qt::Vertical).toString(), QStringLiteral("Layer 2"));
        QCOMPARE(model->headerData(3, Qt::Horizontal).toString(), QStringLiteral("Head 3"));

        const QModelIndex pruned = model->index(0, 1);
        QCOMPARE(pruned.data(HeadTableModel::PrunedRole).toBool(), true);
        QCOMPARE(pruned.data(HeadTableModel::MaskedRole).toBool(), false);
        QVERIFY(!(model->flags(pruned) & Qt::ItemIsEnabled));
        QVERIFY(!model->setData(pruned, true, HeadTableModel::MaskedRole));

        const QModelIndex kept = model->index(2, 3);
        QCOMPARE(kept.data(HeadTableModel::PrunedRole).toBool(), false);
        QCOMPARE(kept.data(HeadTableModel::MaskedRole).toBool(), false);
        QCOMPARE(kept.data(HeadTableModel::LayerRole).toInt(), 2);
        QCOMPARE(kept.data(HeadTableModel::HeadRole).toInt(), 3);
        QVERIFY(std::isnan(kept.data(HeadTableModel::ScoreRole).toDouble()));
        QCOMPARE(kept.data(HeadTableModel::RankRole).toInt(), 0);
        QCOMPARE(kept.data(Qt::DisplayRole).toString(), QString());
        QVERIFY(model->flags(kept) & Qt::ItemIsEnabled);
    }

    void setDataTogglesSessionMask()
    {
        SessionState session;
        HeadTableModel* model = session.headModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(load(session));
        QSignalSpy dataChanged(model, &QAbstractItemModel::dataChanged);
        QSignalSpy maskChanged(&session, &SessionState::maskChanged);

        QVERIFY(model->setData(model->index(1, 2), true, HeadTableModel::MaskedRole));
        QCOMPARE(maskChanged.count(), 1);
        QVERIFY(!session.mask().isKept(1, 2));
        QCOMPARE(session.mask().countMasked(), 2); // the pruned head and this one
        QCOMPARE(model->index(1, 2).data(HeadTableModel::MaskedRole).toBool(), true);
        QCOMPARE(dataChanged.count(), 1);
        QCOMPARE(dataChanged.at(0).at(0).toModelIndex(), model->index(1, 2));
        QCOMPARE(dataChanged.at(0).at(1).toModelIndex(), model->index(1, 2));
        QVERIFY(dataChanged.at(0).at(2).value<QList<int>>().contains(HeadTableModel::MaskedRole));

        // Setting the same value again changes nothing.
        QVERIFY(model->setData(model->index(1, 2), true, HeadTableModel::MaskedRole));
        QCOMPARE(maskChanged.count(), 1);

        // A mask set on the session directly shows up in the model (one source of truth).
        core::HeadMask m = session.mask();
        m.setKept(2, 0, false);
        m.setKept(2, 3, false);
        QVERIFY(session.setMask(m));
        QCOMPARE(model->index(2, 0).data(HeadTableModel::MaskedRole).toBool(), true);
        QCOMPARE(model->index(2, 3).data(HeadTableModel::MaskedRole).toBool(), true);
        QCOMPARE(model->index(2, 1).data(HeadTableModel::MaskedRole).toBool(), false);
        // Only row 2 changed, heads 0..3 as one range.
        QCOMPARE(dataChanged.count(), 2);
        QCOMPARE(dataChanged.at(1).at(0).toModelIndex(), model->index(2, 0));
        QCOMPARE(dataChanged.at(1).at(1).toModelIndex(), model->index(2, 3));

        QVERIFY(model->setData(model->index(1, 2), false, HeadTableModel::MaskedRole));
        QVERIFY(session.mask().isKept(1, 2));
        session.resetMask();
        QCOMPARE(session.mask(), session.fullMask());
        QCOMPARE(session.mask().countMasked(), 1); // the pruned head stays 0
    }

    void toggleLayer()
    {
        SessionState session;
        HeadTableModel* model = session.headModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(load(session));
        model->setData(model->index(0, 0), true, HeadTableModel::MaskedRole);
        // Layer 0 has heads 0, 2, 3 present; one masked: toggling masks all of them.
        model->toggleLayer(0);
        QCOMPARE(session.mask().countKeptInLayer(0), 0);
        for (int h : {0, 2, 3})
            QCOMPARE(model->index(0, h).data(HeadTableModel::MaskedRole).toBool(), true);
        QCOMPARE(model->index(0, 1).data(HeadTableModel::MaskedRole).toBool(), false); // pruned, not masked
        // All masked: toggling unmasks them; the pruned head stays out.
        model->toggleLayer(0);
        QCOMPARE(session.mask().countKeptInLayer(0), 3);
        QVERIFY(!session.mask().isKept(0, 1));
        QCOMPARE(session.mask().countKeptInLayer(1), 4);
    }

    void scoreSetsAndRanks()
    {
        SessionState session;
        HeadTableModel* model = session.headModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(load(session));
        const double nan = std::numeric_limits<double>::quiet_NaN();
        // Ranks by hand: 0.9 (1, 0) > 0.7 (2, 2) > 0.5 (0, 0) = 0.5 (1, 3) [layer order] > 0.1 (0, 3);
        // NaN cells (not computed yet, or pruned) get no rank.
        const core::Matrix importance{{0.5, nan, 0.2, 0.1}, {0.9, 0.3, 0.25, 0.5}, {nan, 0.05, 0.7, 0.15}};
        QSignalSpy dataChanged(model, &QAbstractItemModel::dataChanged);
        model->setScores(QStringLiteral("importance"), importance);
        QCOMPARE(dataChanged.count(), 1);
        QCOMPARE(model->currentScores(), QStringLiteral("importance"));
        QCOMPARE(model->index(1, 0).data(HeadTableModel::RankRole).toInt(), 1);
        QCOMPARE(model->index(2, 2).data(HeadTableModel::RankRole).toInt(), 2);
        QCOMPARE(model->index(0, 0).data(HeadTableModel::RankRole).toInt(), 3);
        QCOMPARE(model->index(1, 3).data(HeadTableModel::RankRole).toInt(), 4);
        QCOMPARE(model->index(1, 1).data(HeadTableModel::RankRole).toInt(), 5);
        QCOMPARE(model->index(2, 1).data(HeadTableModel::RankRole).toInt(), 10); // 0.05, the lowest of 10
        QCOMPARE(model->index(0, 1).data(HeadTableModel::RankRole).toInt(), 0);
        QCOMPARE(model->index(2, 0).data(HeadTableModel::RankRole).toInt(), 0);
        QCOMPARE(model->index(1, 0).data(HeadTableModel::ScoreRole).toDouble(), 0.9);
        QCOMPARE(model->index(1, 0).data(Qt::DisplayRole).toString(), QStringLiteral("0.90"));
        QCOMPARE(model->index(2, 0).data(Qt::DisplayRole).toString(), QString());

        // An ablation set with deltas and p-values; switching sets switches every role.
        const core::Matrix delta{{-0.02, nan, 0.0, 0.01}, {-0.1, 0, 0, 0}, {0, 0, -0.04, 0}};
        const core::Matrix pValues{{0.5, nan, 1, 0.7}, {0.001, 1, 1, 1}, {1, 1, 0.2, 1}};
        model->setScores(QStringLiteral("ablation"), delta);
        model->setDeltas(QStringLiteral("ablation"), delta);
        model->setPValues(QStringLiteral("ablation"), pValues);
        QCOMPARE(model->currentScores(), QStringLiteral("importance")); // not switched implicitly
        QVERIFY(std::isnan(model->index(1, 0).data(HeadTableModel::PValueRole).toDouble()));
        model->setCurrentScores(QStringLiteral("ablation"));
        QCOMPARE(model->index(1, 0).data(HeadTableModel::DeltaRole).toDouble(), -0.1);
        QCOMPARE(model->index(1, 0).data(HeadTableModel::PValueRole).toDouble(), 0.001);
        QCOMPARE(model->index(0, 3).data(HeadTableModel::RankRole).toInt(), 1); // +0.01 is the largest
        QCOMPARE(model->scoreNames(), (QStringList{QStringLiteral("ablation"), QStringLiteral("importance")}));

        // Scores arriving layer by layer: a second call with more rows filled.
        model->setCurrentScores(QStringLiteral("importance"));
        core::Matrix partial{{0.4, nan, nan, nan}, {nan, nan, nan, nan}, {nan, nan, nan, nan}};
        model->setScores(QStringLiteral("importance"), partial);
        QCOMPARE(model->index(0, 0).data(HeadTableModel::RankRole).toInt(), 1);
        QVERIFY(std::isnan(model->index(1, 0).data(HeadTableModel::ScoreRole).toDouble()));

        model->removeScores(QStringLiteral("importance"));
        QCOMPARE(model->currentScores(), QString());
        model->clearScores();
        QVERIFY(model->scoreNames().isEmpty());
    }

    void newModelResetsScores()
    {
        SessionState session;
        HeadTableModel* model = session.headModel();
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(load(session));
        model->setScores(QStringLiteral("importance"), core::Matrix(3, std::vector<double>(4, 1.0)));
        model->setData(model->index(2, 2), true, HeadTableModel::MaskedRole);
        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        QVERIFY(load(session));
        QCOMPARE(reset.count(), 1);
        QVERIFY(model->scoreNames().isEmpty());
        QCOMPARE(model->index(2, 2).data(HeadTableModel::MaskedRole).toBool(), false); // a new model starts unmasked
    }

    void wrongMaskShapeIsRefused()
    {
        SessionState session;
        QVERIFY(load(session));
        QSignalSpy errors(&session, &SessionState::errorOccurred);
        QVERIFY(!session.setMask(core::HeadMask(2, 4)));
        QCOMPARE(errors.count(), 1);
        QCOMPARE(errors.at(0).at(0).toString(), QStringLiteral("mask"));
        QVERIFY(errors.at(0).at(1).toString().contains(QStringLiteral("3 x 4")));
    }
};

QTEST_GUILESS_MAIN(TestHeadTableModel)
#include "tst_head_table_model.moc"
