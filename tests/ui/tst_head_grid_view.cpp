// The head grid widget: click, Space and shift-click on a layer header go through the model to
// the session; masked heads are painted differently from kept ones (checked on pixels).
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "session/session_state.h"
#include "tiny_bert_writer.h"
#include "widgets/head_grid_view.h"

#include <QHeaderView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace headscope;
using namespace headscope::ui;

class TestHeadGridView : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SessionState* m_session = nullptr;
    HeadGridView* m_view = nullptr;

    QPoint cellCenter(int layer, int head) const
    {
        return m_view->visualRect(m_view->model()->index(layer, head)).center();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        testing::TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 4;
        spec.prunedHeads = {{}, {2}};
        const QString dir = m_dir.filePath(QStringLiteral("tiny"));
        testing::writeTinyBert(dir.toStdString(), spec);

        m_session = new SessionState(this);
        QSignalSpy changed(m_session, &SessionState::modelChanged);
        m_session->loadModel(dir);
        QVERIFY(changed.wait(60000));
        m_view = new HeadGridView;
        m_view->setHeadModel(m_session->headModel());
        m_view->resize(640, 240);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view));
    }

    void cleanupTestCase()
    {
        delete m_view;
    }

    void init()
    {
        m_session->resetMask();
    }

    void clickTogglesHead()
    {
        QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, cellCenter(0, 3));
        QVERIFY(!m_session->mask().isKept(0, 3));
        QCOMPARE(m_session->mask().countMasked(), 2); // + the pruned head
        QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, cellCenter(0, 3));
        QVERIFY(m_session->mask().isKept(0, 3));
    }

    void clickOnPrunedHeadDoesNothing()
    {
        QSignalSpy maskChanged(m_session, &SessionState::maskChanged);
        QTest::mouseClick(m_view->viewport(), Qt::LeftButton, {}, cellCenter(1, 2));
        QCOMPARE(maskChanged.count(), 0);
    }

    void spaceTogglesCurrentHead()
    {
        m_view->setFocus();
        m_view->setCurrentIndex(m_view->model()->index(1, 1));
        QTest::keyClick(m_view, Qt::Key_Space);
        QVERIFY(!m_session->mask().isKept(1, 1));
        // Arrow keys move, Space toggles the new head.
        QTest::keyClick(m_view, Qt::Key_Left);
        QTest::keyClick(m_view, Qt::Key_Space);
        QVERIFY(!m_session->mask().isKept(1, 0));
        QTest::keyClick(m_view, Qt::Key_Space);
        QVERIFY(m_session->mask().isKept(1, 0));
    }

    void shiftClickOnLayerHeaderTogglesLayer()
    {
        QHeaderView* header = m_view->verticalHeader();
        const QPoint layer1(header->width() / 2, header->sectionViewportPosition(1) + header->sectionSize(1) / 2);
        // A plain click does not change the mask.
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, layer1);
        QCOMPARE(m_session->mask().countKeptInLayer(1), 3);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::ShiftModifier, layer1);
        QCOMPARE(m_session->mask().countKeptInLayer(1), 0);
        QCOMPARE(m_session->mask().countKeptInLayer(0), 4);
        QTest::mouseClick(header->viewport(), Qt::LeftButton, Qt::ShiftModifier, layer1);
        QCOMPARE(m_session->mask().countKeptInLayer(1), 3);
        QVERIFY(!m_session->mask().isKept(1, 2)); // pruned stays out
    }

    void maskedHeadsLookDifferent()
    {
        m_session->setHeadMasked(0, 1, true);
        const QImage image = m_view->viewport()->grab().toImage();
        // Kept: a solid blue fill. Masked: light grey with hatching; pruned: no fill.
        const QColor kept = image.pixelColor(cellCenter(0, 0) + QPoint(0, -8));
        QCOMPARE(kept, QColor(0x2c, 0x6f, 0xbb));
        int bluePixels = 0, greyPixels = 0;
        const QRect masked = m_view->visualRect(m_view->model()->index(0, 1)).adjusted(6, 6, -6, -6);
        for (int y = masked.top(); y <= masked.bottom(); ++y) {
            for (int x = masked.left(); x <= masked.right(); ++x) {
                const QColor c = image.pixelColor(x, y);
                if (c == QColor(0x2c, 0x6f, 0xbb))
                    ++bluePixels;
                if (c.red() == c.green() && c.green() == c.blue())
                    ++greyPixels;
            }
        }
        QCOMPARE(bluePixels, 0);
        QVERIFY(greyPixels > masked.width() * masked.height() * 9 / 10);
        const QRect pruned = m_view->visualRect(m_view->model()->index(1, 2));
        const QColor inside = image.pixelColor(pruned.left() + 8, pruned.top() + 8);
        // The background shows through (the rows fill the viewport: no empty area to sample).
        QCOMPARE(inside, m_view->viewport()->palette().color(m_view->viewport()->backgroundRole()));
    }
};

QTEST_MAIN(TestHeadGridView)
#include "tst_head_grid_view.moc"
