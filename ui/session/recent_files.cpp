#include "session/recent_files.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

namespace headscope::ui {

RecentFiles::RecentFiles(QString key, int maxEntries) : m_key(std::move(key)), m_maxEntries(maxEntries) {}

void RecentFiles::load(QSettings& settings)
{
    m_paths = settings.value(m_key).toStringList();
    while (m_paths.size() > m_maxEntries)
        m_paths.removeLast();
}

void RecentFiles::save(QSettings& settings) const
{
    settings.setValue(m_key, m_paths);
}

void RecentFiles::add(const QString& path)
{
    const QString clean = QDir::cleanPath(QFileInfo(path).absoluteFilePath());
    m_paths.removeAll(clean);
    m_paths.prepend(clean);
    while (m_paths.size() > m_maxEntries)
        m_paths.removeLast();
}

void RecentFiles::remove(const QString& path)
{
    m_paths.removeAll(QDir::cleanPath(QFileInfo(path).absoluteFilePath()));
}

QStringList RecentFiles::existingPaths() const
{
    QStringList out;
    for (const auto& p : m_paths)
        if (QFileInfo::exists(p))
            out << p;
    return out;
}

} // namespace headscope::ui
