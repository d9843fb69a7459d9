// Atomic writes (core/util/atomic_file.h): new and replaced files and folders, errors from the
// fill callback, a writer killed with SIGKILL in the middle of a write, and a full disk
// (RLIMIT_FSIZE). Each time the old content must survive byte for byte and no temporary may
// remain once the next write has run.
#include "util/atomic_file.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace headscope::core;

namespace {

std::string readFile(const QString& path)
{
    std::ifstream in(path.toStdString(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void writePlain(const QString& path, const std::string& bytes)
{
    std::ofstream out(path.toStdString(), std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

QStringList entries(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                               QDir::Name);
}

// Distinct bytes at every offset, so that a partial overwrite would show.
std::string pattern(size_t n, unsigned seed)
{
    std::string s(n, '\0');
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; ++i) {
        x = x * 1664525u + 1013904223u;
        s[i] = char(x >> 24);
    }
    return s;
}

// The pid of a process that has already exited (and been reaped).
pid_t deadPid()
{
    const pid_t pid = ::fork();
    if (pid == 0)
        ::_exit(0);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return pid;
}

bool unnamedTemporariesSupported(const QString& dir)
{
    const int fd = ::open(QFile::encodeName(dir).constData(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    ::close(fd);
    return true;
}

// Waits (at most 60 s, never forever) for the child's one-byte "I am mid-write" signal.
bool waitForSignal(int fd)
{
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 60000) != 1)
        return false;
    char c = 0;
    return ::read(fd, &c, 1) == 1;
}

// Runs body in a child process that, once it is mid-write, signals through the pipe and blocks
// until it is killed with SIGKILL. Returns true when the kill happened mid-write.
template <class Body>
bool killMidWrite(Body&& body)
{
    int ready[2];
    int never[2];
    if (::pipe(ready) != 0 || ::pipe(never) != 0)
        return false;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(ready[0]);
        ::close(never[1]);
        const auto signalAndBlock = [&] {
            char c = 'x';
            (void)!::write(ready[1], &c, 1);
            char dummy;
            (void)!::read(never[0], &dummy, 1); // blocks: nobody writes
        };
        body(signalAndBlock);
        ::_exit(3); // the write finished: the parent reports it
    }
    ::close(ready[1]);
    ::close(never[0]);
    const bool midWrite = waitForSignal(ready[0]);
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(ready[0]);
    ::close(never[1]);
    return midWrite && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
}

Result<bool> failingFill(std::ostream& out)
{
    out << std::string(200000, 'n'); // more than the stream buffer: bytes reach the temporary
    return Error{ErrorCode::InvalidArgument, "the fill gave up", {}, {}};
}

} // namespace

class TestAtomicFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesNewFileWithUmaskMode()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("out.json"));
        const mode_t mask = ::umask(022);
        auto written = writeFileAtomically(path.toStdString(), std::string_view("{\"a\":1}\n"));
        ::umask(mask);
        QVERIFY2(written.ok(), written.error().toString().c_str());
        QCOMPARE(readFile(path), std::string("{\"a\":1}\n"));
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("out.json")});
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 07777), 0644);
    }

    void replaceKeepsContentAndPermissions()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("mask.json"));
        writePlain(path, "old content");
        QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0600), 0);
        const std::string next = pattern(300000, 1); // several stream buffers
        auto written = writeFileAtomically(path.toStdString(), [&](std::ostream& out) -> Result<bool> {
            out << next.substr(0, 1000);
            out.write(next.data() + 1000, std::streamsize(next.size() - 1000));
            return true;
        });
        QVERIFY2(written.ok(), written.error().toString().c_str());
        QVERIFY(readFile(path) == next);
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(int(st.st_mode & 07777), 0600);
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("mask.json")});
    }

    void fillErrorKeepsOldFileAndLeavesNoTemporary()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("out.json"));
        writePlain(path, "old");
        auto written = writeFileAtomically(path.toStdString(), failingFill);
        QVERIFY(!written.ok());
        QCOMPARE(QString::fromStdString(written.error().message), QStringLiteral("the fill gave up"));
        QCOMPARE(readFile(path), std::string("old"));
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("out.json")});

        // An exception inside the fill is an error too, never a crash.
        written = writeFileAtomically(path.toStdString(), [](std::ostream& out) -> Result<bool> {
            out << "partial";
            throw std::runtime_error("serialiser failed");
        });
        QVERIFY(!written.ok());
        QCOMPARE(QString::fromStdString(written.error().message), QStringLiteral("serialiser failed"));
        QCOMPARE(readFile(path), std::string("old"));
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("out.json")});
    }

    void missingFolderNamesTheFileAndTheReason()
    {
        QTemporaryDir tmp;
        const std::string path = tmp.filePath(QStringLiteral("no/such/out.json")).toStdString();
        auto written = writeFileAtomically(path, std::string_view("x"));
        QVERIFY(!written.ok());
        QCOMPARE(written.error().path, path);
        QCOMPARE(written.error().toString(), path + ": cannot write the file: " + std::strerror(ENOENT));
    }

    void staleTemporariesOfDeadWritersAreRemoved()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("out.json"));
        const QString dead = QString::number(deadPid());
        const QString stale = QStringLiteral(".out.json.headscope-tmp-%1-0").arg(dead);
        const QString live = QStringLiteral(".out.json.headscope-tmp-%1-7").arg(::getpid());
        const QString otherTarget = QStringLiteral(".other.json.headscope-tmp-%1-0").arg(dead);
        for (const QString& name : {stale, live, otherTarget})
            writePlain(tmp.filePath(name), "half");
        QVERIFY(isAtomicWriteTemporary(stale.toStdString()));
        QVERIFY(!isAtomicWriteTemporary("out.json"));

        QVERIFY(writeFileAtomically(path.toStdString(), std::string_view("new")).ok());
        // Only the dead writer's temporary of this target goes; a live writer's stays.
        QStringList expected{live, otherTarget, QStringLiteral("out.json")};
        expected.sort();
        QCOMPARE(entries(tmp.path()), expected);
    }

    void killedMidWriteKeepsOldFile()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("big.safetensors"));
        const std::string old = pattern(1 << 20, 2);
        writePlain(path, old);
        const std::string target = path.toStdString();
        const bool killed = killMidWrite([&](const auto& signalAndBlock) {
            const std::string chunk = pattern(4 << 20, 3);
            writeFileAtomically(target, [&](std::ostream& out) -> Result<bool> {
                for (int i = 0; i < 3; ++i)
                    out.write(chunk.data(), std::streamsize(chunk.size()));
                out.flush();
                signalAndBlock();
                out.write(chunk.data(), std::streamsize(chunk.size()));
                return true;
            });
        });
        QVERIFY(killed);
        QVERIFY(readFile(path) == old);
        if (unnamedTemporariesSupported(tmp.path())) {
            // O_TMPFILE: the kernel freed the unnamed temporary with the process.
            QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("big.safetensors")});
        }
        // Named temporaries (no O_TMPFILE) go with the next write of the target.
        QVERIFY(writeFileAtomically(target, std::string_view("next")).ok());
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("big.safetensors")});
        QCOMPARE(readFile(path), std::string("next"));
    }

    void fullDiskReportsTheFileAndKeepsOldFile()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("out.json"));
        const std::string old = pattern(100000, 4);
        writePlain(path, old);
        const std::string target = path.toStdString();
        int pipeFds[2];
        QCOMPARE(::pipe(pipeFds), 0);
        const pid_t pid = ::fork();
        if (pid == 0) {
            // The file size limit makes write() fail with EFBIG, as a full disk does with ENOSPC.
            ::signal(SIGXFSZ, SIG_IGN);
            rlimit limit{64 * 1024, 64 * 1024};
            ::setrlimit(RLIMIT_FSIZE, &limit);
            const std::string big = pattern(1 << 20, 5);
            auto written = writeFileAtomically(target, std::string_view(big));
            const std::string text = written.ok() ? std::string("succeeded") : written.error().toString();
            (void)!::write(pipeFds[1], text.data(), text.size());
            ::_exit(written.ok() ? 1 : 0);
        }
        ::close(pipeFds[1]);
        std::string report;
        char buf[512];
        for (ssize_t n; (n = ::read(pipeFds[0], buf, sizeof buf)) > 0;)
            report.append(buf, size_t(n));
        ::close(pipeFds[0]);
        int status = 0;
        ::waitpid(pid, &status, 0);
        QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 0, report.c_str());
        QCOMPARE(report, target + ": cannot write the file: " + std::strerror(EFBIG));
        QVERIFY(readFile(path) == old);
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("out.json")});
    }

    void writesNewAndReplacesFolder()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("pruned"));
        auto fillWith = [](const std::string& name, const std::string& text) {
            return [=](const std::string& into) -> Result<bool> {
                return writeFileAtomically(into + "/" + name, std::string_view(text));
            };
        };
        QVERIFY(writeDirectoryAtomically(dir.toStdString(), fillWith("config.json", "v1")).ok());
        QCOMPARE(entries(dir), QStringList{QStringLiteral("config.json")});
        QCOMPARE(readFile(dir + QStringLiteral("/config.json")), std::string("v1"));

        // Replacing drops what the old folder had and the new one does not.
        QVERIFY(writeDirectoryAtomically(dir.toStdString() + "/", fillWith("model.safetensors", "v2")).ok());
        QCOMPARE(entries(dir), QStringList{QStringLiteral("model.safetensors")});
        QCOMPARE(readFile(dir + QStringLiteral("/model.safetensors")), std::string("v2"));
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("pruned")});

        // A failing fill keeps the old folder and removes the partial one.
        auto failed = writeDirectoryAtomically(dir.toStdString(), [](const std::string& into) -> Result<bool> {
            writeFileAtomically(into + "/model.safetensors", std::string_view("v3"));
            return Error{ErrorCode::Runtime, "weights could not be converted", {}, {}};
        });
        QVERIFY(!failed.ok());
        QCOMPARE(QString::fromStdString(failed.error().message), QStringLiteral("weights could not be converted"));
        QCOMPARE(readFile(dir + QStringLiteral("/model.safetensors")), std::string("v2"));
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("pruned")});

        // A file in the way is not replaced by a folder.
        writePlain(tmp.filePath(QStringLiteral("afile")), "keep");
        auto refused = writeDirectoryAtomically(tmp.filePath(QStringLiteral("afile")).toStdString(),
                                                fillWith("x", "y"));
        QVERIFY(!refused.ok());
        QCOMPARE(readFile(tmp.filePath(QStringLiteral("afile"))), std::string("keep"));
    }

    void killedMidFolderWriteKeepsOldFolder()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("model"));
        QVERIFY(QDir().mkpath(dir));
        const std::string oldWeights = pattern(500000, 6);
        writePlain(dir + QStringLiteral("/model.safetensors"), oldWeights);
        writePlain(dir + QStringLiteral("/config.json"), "{\"old\":true}");
        const std::string target = dir.toStdString();
        const bool killed = killMidWrite([&](const auto& signalAndBlock) {
            writeDirectoryAtomically(target, [&](const std::string& into) -> Result<bool> {
                writeFileAtomically(into + "/config.json", std::string_view("{\"new\":true}"));
                signalAndBlock();
                return true;
            });
        });
        QVERIFY(killed);
        QCOMPARE(entries(dir), (QStringList{QStringLiteral("config.json"), QStringLiteral("model.safetensors")}));
        QVERIFY(readFile(dir + QStringLiteral("/model.safetensors")) == oldWeights);
        QCOMPARE(readFile(dir + QStringLiteral("/config.json")), std::string("{\"old\":true}"));
        // The dead writer's partial folder is still there ...
        const QStringList left = entries(tmp.path());
        QCOMPARE(left.size(), 2);
        QVERIFY2(left.first().startsWith(QStringLiteral(".model.headscope-partial-")), qPrintable(left.join(u' ')));

        // ... until the next write of the folder removes it.
        QVERIFY(writeDirectoryAtomically(target, [](const std::string& into) -> Result<bool> {
                    return writeFileAtomically(into + "/config.json", std::string_view("{\"next\":true}"));
                }).ok());
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("model")});
        QCOMPARE(entries(dir), QStringList{QStringLiteral("config.json")});
    }

    void interruptedSwapIsRestored()
    {
        // A writer killed between the fallback swap's two renames leaves the old folder aside.
        QTemporaryDir tmp;
        const QString aside = tmp.filePath(QStringLiteral(".model.headscope-old-%1-0").arg(deadPid()));
        QVERIFY(QDir().mkpath(aside));
        writePlain(aside + QStringLiteral("/config.json"), "old");
        const std::string target = tmp.filePath(QStringLiteral("model")).toStdString();
        auto failed = writeDirectoryAtomically(target, [](const std::string&) -> Result<bool> {
            return Error{ErrorCode::Runtime, "stop", {}, {}};
        });
        QVERIFY(!failed.ok());
        QCOMPARE(entries(tmp.path()), QStringList{QStringLiteral("model")});
        QCOMPARE(readFile(tmp.filePath(QStringLiteral("model/config.json"))), std::string("old"));
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomic_file.moc"
