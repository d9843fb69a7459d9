// SessionStore's autosave: where it lives, the orphans a crash leaves, and the writes.
#include "session/session_store.h"

#include "session/session_state.h"
#include "session/translation_session_link.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace headscope::ui {

namespace {

const char* kAutosavePrefix = "autosave-";
const char* kSuffix = ".headscope";

bool processIsRunning(qint64 pid)
{
    if (pid <= 0)
        return false;
    if (::kill(pid_t(pid), 0) != 0 && errno == ESRCH)
        return false;
    // A recycled pid that is not a HeadScope does not own the autosave.
    QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
    if (comm.open(QIODevice::ReadOnly))
        return comm.readAll().trimmed().startsWith("headscope");
    return true;
}

} // namespace

// --- autosave ---------------------------------------------------------------------------------

QString SessionStore::autosaveDirectory()
{
    const QByteArray env = qgetenv("HEADSCOPE_SESSION_DIR");
    if (!env.isEmpty())
        return QDir(QString::fromLocal8Bit(env)).absolutePath();
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/sessions");
}

QString SessionStore::autosavePath() const
{
    return autosaveDirectory() + QLatin1Char('/') + QLatin1String(kAutosavePrefix) +
           QString::number(QCoreApplication::applicationPid()) + QLatin1String(kSuffix);
}

QStringList SessionStore::orphanedAutosaves()
{
    QDir dir(autosaveDirectory());
    const QFileInfoList files =
        dir.entryInfoList({QLatin1String(kAutosavePrefix) + QStringLiteral("*") + QLatin1String(kSuffix)}, QDir::Files,
                          QDir::Time);
    QStringList out;
    for (const QFileInfo& f : files) {
        const QString pidText = f.completeBaseName().mid(int(qstrlen(kAutosavePrefix)));
        bool ok = false;
        const qint64 pid = pidText.toLongLong(&ok);
        if (ok && pid != QCoreApplication::applicationPid() && !processIsRunning(pid))
            out << f.absoluteFilePath();
    }
    return out;
}

void SessionStore::setAutosaveInterval(int seconds)
{
    m_autosaveSeconds = std::max(0, seconds);
    QSettings settings;
    settings.setValue(QStringLiteral("session/autosaveSeconds"), m_autosaveSeconds);
    if (m_autosaveSeconds > 0)
        m_timer->start(m_autosaveSeconds * 1000);
    else
        m_timer->stop();
}

bool SessionStore::autosaveNow()
{
    // Nothing opened yet: nothing worth restoring.
    if (!m_session->hasModel() && !m_pending && m_session->pendingDatasetPath().isEmpty() &&
        !(m_translationLink && m_translationLink->hasContent()))
        return false;
    QDir().mkpath(autosaveDirectory());
    if (!writeTo(autosavePath(), false))
        return false;
    m_dirty = false;
    if (!m_restoredOrphan.isEmpty() && !m_pending) {
        QFile::remove(m_restoredOrphan);
        m_restoredOrphan.clear();
    }
    return true;
}

void SessionStore::discardAutosave()
{
    QFile::remove(autosavePath());
}

} // namespace headscope::ui
