#pragma once
// Most-recently-used model folders or dataset files, kept in QSettings.
#include <QStringList>

class QSettings;

namespace headscope::ui {

class RecentFiles
{
public:
    /// key: the QSettings key ("recent/models"); maxEntries: how many to keep.
    explicit RecentFiles(QString key, int maxEntries = 8);

    void load(QSettings& settings);
    void save(QSettings& settings) const;

    /// Moves path to the front (adding it when new) and trims the list.
    void add(const QString& path);
    void remove(const QString& path);
    void clear() { m_paths.clear(); }
    /// Entries, newest first.
    const QStringList& paths() const { return m_paths; }
    /// Entries that still exist on disk, newest first.
    QStringList existingPaths() const;

private:
    QString m_key;
    int m_maxEntries;
    QStringList m_paths;
};

} // namespace headscope::ui
