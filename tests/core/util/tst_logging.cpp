// initLogging: file location, line format, levels, rotation limits (2 MiB x 5 files) and
// graceful fallback when the log directory cannot be created.
#include "util/logging.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <spdlog/spdlog.h>

using namespace headscope::core;

namespace {

QString readAll(const QString& path)
{
    spdlog::default_logger()->flush();
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

} // namespace

class TestLogging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createsDirectoryAndReturnsFile()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString dir = tmp.filePath(QStringLiteral("a/b/logs"));
        const std::string path = initLogging(dir.toStdString(), "warn");
        QCOMPARE(QString::fromStdString(path), QDir(dir).absoluteFilePath(QStringLiteral("headscope.log")));
        QVERIFY(QFile::exists(QString::fromStdString(path)));
        spdlog::drop_all();
    }

    void lineFormatHasTimeLevelThread()
    {
        QTemporaryDir tmp;
        const std::string path = initLogging(tmp.path().toStdString(), "info");
        spdlog::info("marker {}", 123);
        const QString text = readAll(QString::fromStdString(path));
        const QRegularExpression line(
            QStringLiteral(R"(^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] \[info\] \[t\d+\] marker 123$)"),
            QRegularExpression::MultilineOption);
        QVERIFY2(line.match(text).hasMatch(), qPrintable(text));
        spdlog::drop_all();
    }

    void fileKeepsDebugWhenConsoleIsQuieter()
    {
        QTemporaryDir tmp;
        const std::string path = initLogging(tmp.path().toStdString(), "error");
        spdlog::debug("detail for the file");
        spdlog::trace("too fine for anyone");
        const QString text = readAll(QString::fromStdString(path));
        QVERIFY(text.contains(QStringLiteral("[debug]")));
        QVERIFY(text.contains(QStringLiteral("detail for the file")));
        QVERIFY(!text.contains(QStringLiteral("too fine for anyone")));
        spdlog::drop_all();
    }

    void unknownLevelFallsBackToInfoWithWarning()
    {
        QTemporaryDir tmp;
        const std::string path = initLogging(tmp.path().toStdString(), "chatty");
        spdlog::info("still logged");
        const QString text = readAll(QString::fromStdString(path));
        QVERIFY(text.contains(QStringLiteral("unknown log level 'chatty'")));
        QVERIFY(text.contains(QStringLiteral("still logged")));
        spdlog::drop_all();
    }

    void emptyDirMeansConsoleOnly()
    {
        QCOMPARE(initLogging("", "info"), std::string());
        QVERIFY(spdlog::default_logger() != nullptr);
        spdlog::info("console only");
        spdlog::drop_all();
    }

    void uncreatableDirFallsBackToConsole()
    {
        // A directory cannot be created below a regular file.
        QTemporaryDir tmp;
        const QString file = tmp.filePath(QStringLiteral("plain-file"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        QCOMPARE(initLogging((file + QStringLiteral("/logs")).toStdString(), "info"), std::string());
        spdlog::info("console only");
        spdlog::drop_all();
    }

    void secondInitReplacesTheLogger()
    {
        QTemporaryDir a;
        QTemporaryDir b;
        const std::string first = initLogging(a.path().toStdString(), "info");
        const std::string second = initLogging(b.path().toStdString(), "info");
        spdlog::info("goes to b");
        QVERIFY(!readAll(QString::fromStdString(first)).contains(QStringLiteral("goes to b")));
        QVERIFY(readAll(QString::fromStdString(second)).contains(QStringLiteral("goes to b")));
        spdlog::drop_all();
    }

    void rotatesAtTwoMebibytesKeepingFiveFiles()
    {
        QTemporaryDir tmp;
        initLogging(tmp.path().toStdString(), "off");
        const std::string filler(1000, 'x');
        for (int i = 0; i < 15000; ++i) // about 15 MB: more than 5 files' worth
            spdlog::info("{} {}", i, filler);
        spdlog::default_logger()->flush();
        const QFileInfoList files = QDir(tmp.path()).entryInfoList(QDir::Files);
        QCOMPARE(files.size(), 5);
        for (const QFileInfo& fi : files)
            QVERIFY2(fi.size() <= 2 * 1024 * 1024, qPrintable(fi.fileName()));
        // The newest lines are in the current file.
        QVERIFY(readAll(tmp.filePath(QStringLiteral("headscope.log"))).contains(QStringLiteral("14999 x")));
        spdlog::drop_all();
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
