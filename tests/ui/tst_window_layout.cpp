// The window as a whole (issue 13): every page fits 1024 x 700 and 1920 x 1080 with 4 x 8, 12 x 16
// and 24 x 16 models (the head grid scales its cells, no combo box or table header is cut short);
// keyboard shortcuts switch pages and are shown in the menus; Help > About and the user guide;
// the status bar explains the speed check; `headscope --help` and `--version` work without a
// display.
#include "main_window.h"
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "pages/head_grid_page.h"
#include "pages/heads_page.h"
#include "session/session_state.h"
#include "session/user_guide.h"
#include "tiny_bert_writer.h"
#include "widgets/engine_status_widget.h"
#include "widgets/head_grid_view.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace headscope;
using namespace headscope::ui;

namespace {

QList<QAction*> allActions(QMenuBar* bar)
{
    QList<QAction*> out;
    std::function<void(QMenu*)> walk = [&](QMenu* menu) {
        for (QAction* a : menu->actions()) {
            if (a->menu()) walk(a->menu());
            else out << a;
        }
    };
    for (QAction* a : bar->actions())
        if (a->menu()) walk(a->menu());
    return out;
}

QAction* actionWithShortcut(QMenuBar* bar, const QKeySequence& keys)
{
    for (QAction* a : allActions(bar))
        if (a->shortcut() == keys) return a;
    return nullptr;
}

QString longestLine(const QString& text)
{
    QString best;
    for (const QString& line : text.split(QLatin1Char('\n')))
        if (line.size() > best.size()) best = line;
    return best;
}

} // namespace

class TestWindowLayout : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    QString model(int layers, int heads)
    {
        const QString dir = m_dir.filePath(QStringLiteral("m%1x%2").arg(layers).arg(heads));
        if (!QFileInfo::exists(dir)) {
            testing::TinyBertSpec spec;
            spec.nLayers = layers;
            spec.nHeads = heads;
            spec.hidden = heads * 2;
            spec.intermediate = heads * 4;
            testing::writeTinyBert(dir.toStdString(), spec);
        }
        return dir;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
    }

    void everyPageFits_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<int>("layers");
        QTest::addColumn<int>("heads");
        for (const QSize size : {QSize(1024, 700), QSize(1920, 1080)})
            for (const auto& [l, h] : {std::pair{4, 8}, std::pair{12, 16}, std::pair{24, 16}})
                QTest::addRow("%dx%d, %dx%d", size.width(), size.height(), l, h) << size << l << h;
    }

    void everyPageFits()
    {
        QFETCH(QSize, size);
        QFETCH(int, layers);
        QFETCH(int, heads);
        MainWindow window;
        window.setAutoShowHeadGrid(false);
        QSignalSpy changed(window.session(), &SessionState::modelChanged);
        window.session()->loadModel(model(layers, heads));
        QVERIFY(changed.wait(60000));
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Each page's minimum leaves room for the sidebar at 1024 x 700 (menu and status bar
        // included): nothing is pushed out of the window.
        const int chrome = window.size().height() - window.centralWidget()->height();
        for (const char* name : {"start", "grid", "heads", "curves", "latency", "compare", "attention"}) {
            const QSize pageMinimum = window.pageNamed(QString::fromLatin1(name))->minimumSizeHint();
            QVERIFY2(pageMinimum.width() + 168 <= 1024 && pageMinimum.height() + chrome <= 700,
                     qPrintable(QStringLiteral("%1 needs %2 x %3 (+%4 px of menu and status bar)")
                                    .arg(QString::fromLatin1(name))
                                    .arg(pageMinimum.width())
                                    .arg(pageMinimum.height())
                                    .arg(chrome)));
        }
        const QSize minimum = window.minimumSizeHint();
        QVERIFY2(minimum.width() <= 1024 && minimum.height() <= 700,
                 qPrintable(QStringLiteral("minimum %1 x %2").arg(minimum.width()).arg(minimum.height())));
        QCOMPARE(window.size(), size);

        for (const char* name : {"start", "grid", "heads", "curves", "latency", "compare", "attention"}) {
            QWidget* page = window.pageNamed(QString::fromLatin1(name));
            window.showPage(page);
            QApplication::processEvents();
            const QString where = QStringLiteral("%1 at %2x%3, %4x%5 model")
                                      .arg(QString::fromLatin1(name))
                                      .arg(size.width())
                                      .arg(size.height())
                                      .arg(layers)
                                      .arg(heads);
            for (QComboBox* box : page->findChildren<QComboBox*>()) {
                if (!box->isVisibleTo(page)) continue;
                QVERIFY2(box->width() >= box->sizeHint().width(),
                         qPrintable(where + QStringLiteral(": combo box '%1' is %2 px of %3")
                                                .arg(box->currentText())
                                                .arg(box->width())
                                                .arg(box->sizeHint().width())));
            }
            for (QTableWidget* table : page->findChildren<QTableWidget*>()) {
                if (!table->isVisibleTo(page)) continue;
                QHeaderView* header = table->horizontalHeader();
                for (int c = 0; c < table->columnCount(); ++c) {
                    const QTableWidgetItem* item = table->horizontalHeaderItem(c);
                    if (!item || header->isSectionHidden(c)) continue;
                    const int needed = header->fontMetrics().horizontalAdvance(longestLine(item->text()));
                    QVERIFY2(header->sectionSize(c) >= needed,
                             qPrintable(where + QStringLiteral(": header '%1' is %2 px of %3")
                                                    .arg(item->text())
                                                    .arg(header->sectionSize(c))
                                                    .arg(needed)));
                }
            }
        }

        // The grid shows every head without scrolling: the cells scale, not the window.
        window.showPage(window.headGridPage());
        QApplication::processEvents();
        HeadGridView* grid = window.headGridPage()->grid();
        QVERIFY(!grid->verticalScrollBar()->isVisible());
        QVERIFY(!grid->horizontalScrollBar()->isVisible());
        const QRect last = grid->visualRect(grid->model()->index(layers - 1, heads - 1));
        QVERIFY2(grid->viewport()->rect().contains(last),
                 qPrintable(QStringLiteral("last cell at %1,%2 %3x%4, viewport %5x%6")
                                .arg(last.x())
                                .arg(last.y())
                                .arg(last.width())
                                .arg(last.height())
                                .arg(grid->viewport()->width())
                                .arg(grid->viewport()->height())));
        QVERIFY(last.height() >= grid->fontMetrics().height());
    }

    void keyboardReachesPagesAndActions()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QMenuBar* bar = window.menuBar();
        const QList<QWidget*> pages{window.pageNamed(QStringLiteral("start")),  window.pageNamed(QStringLiteral("grid")),
                                    window.pageNamed(QStringLiteral("heads")),  window.pageNamed(QStringLiteral("curves")),
                                    window.pageNamed(QStringLiteral("latency")), window.pageNamed(QStringLiteral("compare")),
                                    window.pageNamed(QStringLiteral("attention"))};
        for (int i = int(pages.size()) - 1; i >= 0; --i) {
            const QKeySequence keys(Qt::CTRL | Qt::Key(Qt::Key_1 + i));
            QVERIFY2(actionWithShortcut(bar, keys), qPrintable(keys.toString()));
            QTest::keyClick(&window, Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
            QCOMPARE(window.currentPage(), pages[i]);
        }
        QAction* help = actionWithShortcut(bar, QKeySequence(Qt::Key_F1));
        QVERIFY(help);
        QVERIFY(help->text().contains(QStringLiteral("Guide")));
        QAction* open = actionWithShortcut(bar, QKeySequence(Qt::CTRL | Qt::Key_O));
        QVERIFY(open && open->text().contains(QStringLiteral("Model")));
        QAction* exportMask = actionWithShortcut(bar, QKeySequence(Qt::CTRL | Qt::Key_E));
        QVERIFY(exportMask && exportMask->text().contains(QStringLiteral("Mask")));
    }

    void aboutGuideAndStatusBar()
    {
        QCoreApplication::setApplicationVersion(QStringLiteral("9.8.7"));
        MainWindow window;
        const QString about = window.aboutText();
        QVERIFY(about.contains(QStringLiteral("9.8.7")));
        QVERIFY(about.contains(QStringLiteral("https://arxiv.org/abs/1905.10650")));
        QVERIFY(about.contains(QStringLiteral("Are Sixteen Heads Really Better")));
        QVERIFY2(about.contains(QRegularExpression(QStringLiteral("LibTorch \\d+\\.\\d+\\.\\d+"))), qPrintable(about));
        QVERIFY(about.contains(QStringLiteral("BLAS: ")));
        QVERIFY(about.contains(QStringLiteral("Device: cpu")));

        const QString guide = findUserGuide();
        QVERIFY2(!guide.isEmpty(), "docs/user-guide.md not found");
        QFile file(guide);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("Ctrl+1"));
        QVERIFY(text.contains("from 0"));

        QVERIFY2(window.engineStatus()->toolTip().contains(QStringLiteral("speed check")),
                 qPrintable(window.engineStatus()->toolTip()));
    }

    void helpAndVersionWithoutDisplay()
    {
        const QString binary = QStringLiteral(HEADSCOPE_BINARY_DIR "/app/gui/headscope");
        if (!QFileInfo::exists(binary)) QSKIP("the headscope binary is not built");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char* var : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
            env.remove(QString::fromLatin1(var));
        auto run = [&](const QStringList& args, QByteArray* out, QByteArray* err) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(binary, args);
            if (!p.waitForFinished(60000)) return -1;
            *out = p.readAllStandardOutput();
            *err = p.readAllStandardError();
            return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        };
        QByteArray out, err;
        QCOMPARE(run({QStringLiteral("--help")}, &out, &err), 0);
        QVERIFY2(out.contains("--model") && out.contains("--data") && out.contains("Usage"), out.constData());
        QCOMPARE(run({QStringLiteral("--version")}, &out, &err), 0);
        QVERIFY2(QString::fromUtf8(out).contains(QRegularExpression(QStringLiteral("HeadScope \\d+\\.\\d+\\.\\d+"))),
                 out.constData());
        // Without --help and without a display: a clear message and exit code 1, not an abort.
        QCOMPARE(run({}, &out, &err), 1);
        QVERIFY2(err.contains("no display"), err.constData());
    }
};

QTEST_MAIN(TestWindowLayout)
#include "tst_window_layout.moc"
