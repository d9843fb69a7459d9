#pragma once
// Sessions in the GUI: File > Save Session / Save As / Open / Recent, the autosave, the restore
// after a crash and the resumption of the sweeps that were running. The file format is
// core/report/session_document.h (docs/sessions.md).
//
//   SessionStore store(session, analysis);
//   store.saveAs("study.headscope");        // model, data, mask, every finished analysis, view
//   store.open("study.headscope");          // loads model and data, then shows the results
//   for (auto& orphan : SessionStore::orphanedAutosaves()) store.restore(orphan);
//
// What is recorded: every finished analysis (as AnalysisController delivers it) and, while a
// sweep runs, its checkpoint (ablation after each layer, pruning curves after each point,
// importance after each batch, at most every two seconds) so that a crash loses at most the
// layer, point or batch in progress. The autosave (autosaveDirectory()/autosave-<pid>.headscope)
// is written after each of those and every autosaveInterval() seconds when something changed,
// and removed on a clean exit; one whose process is gone is what the next start offers to
// restore. Writes go to a temporary file renamed over the target. Lives on the UI thread.
#include "report/session_document.h"
#include "session/recent_files.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

class QTimer;

namespace headscope::ui {

class AnalysisController;
class SessionState;
class TranslationSessionLink;

class SessionStore : public QObject
{
    Q_OBJECT
public:
    using Json = core::report::Json;

    SessionStore(SessionState* session, AnalysisController* analysis, QObject* parent = nullptr);
    ~SessionStore() override;

    /// The Translation page's part of the session (written under "translation", restored by
    /// open()); optional, the link stays owned by the caller.
    void setTranslationLink(TranslationSessionLink* link);
    /// The window's view state (page, selection, ...): captured when saving, applied after opening.
    void setViewHooks(std::function<Json()> capture, std::function<void(const Json&)> apply);

    /// The .headscope file this session was saved to or opened from; empty while untitled.
    QString filePath() const { return m_filePath; }
    /// Writes the session to filePath() (false + errorOccurred when untitled or on failure).
    bool save();
    bool saveAs(const QString& path);
    /// Reads a session file and opens it: model and dataset are loaded (in the background),
    /// then the mask, the results and the view are applied and interrupted sweeps resume.
    /// False (and errorOccurred naming the file) when the file cannot be read; a missing model
    /// or dataset is reported and the rest opens.
    bool open(const QString& path);
    /// open() of an orphaned autosave; the orphan is deleted once this session's own autosave
    /// holds its content.
    bool restore(const QString& autosavePath);
    /// What save() would write now.
    core::report::SessionDocument document() const;

    /// HEADSCOPE_SESSION_DIR if set, else the application data folder's "sessions".
    static QString autosaveDirectory();
    QString autosavePath() const;
    /// Autosaves of HeadScope processes that are gone (a crash or a kill), newest first.
    static QStringList orphanedAutosaves();
    int autosaveInterval() const { return m_autosaveSeconds; }
    /// Seconds between timed autosaves (0: only after jobs); kept in QSettings.
    void setAutosaveInterval(int seconds);
    bool autosaveNow();
    /// Removes this process's autosave (a clean exit).
    void discardAutosave();

    const RecentFiles& recentSessions() const { return m_recent; }
    /// The kinds of result the session holds ("importance", "ablation", "keep_one", ...).
    QStringList analysisKinds() const;
    /// True while an opened session waits for its model and dataset.
    bool isOpening() const { return m_pending.has_value(); }

signals:
    void filePathChanged(const QString& path);
    void saved(const QString& path);
    /// The session's results, mask and view were applied (after its model and data loaded).
    void opened(const QString& path);
    /// An interrupted sweep of this job kind was started again from its checkpoint.
    void resumed(const QString& kind, const QString& what);
    void recentChanged();
    /// kind: "session"; message names the file and the problem.
    void errorOccurred(const QString& kind, const QString& message);
    /// Missing files, or model/data that changed since the session was saved (hash differs).
    void warningOccurred(const QString& kind, const QString& message);
    /// The opened session's model or dataset differs from what it was saved with.
    void inputsChanged();

private:
    void record(core::report::SessionEntry entry, bool writeNow);
    void onModelChanged();
    void onDatasetChanged();
    void applyPending();
    void applyEntries(const core::report::SessionDocument& doc);
    void resumePartials(const core::report::SessionDocument& doc);
    void checkHashes();
    /// Computes the content hash of the model folder or dataset file off the UI thread.
    void hashInBackground(const QString& path, bool model);
    bool writeTo(const QString& path, bool rememberAsRecent);
    void addRecent(const QString& path);

    SessionState* m_session;
    AnalysisController* m_analysis;
    TranslationSessionLink* m_translationLink = nullptr;
    std::function<Json()> m_captureView;
    std::function<void(const Json&)> m_applyView;

    QString m_filePath;
    core::report::SessionDocument m_doc;               // entries of the current model and data
    std::optional<core::report::SessionDocument> m_pending; // opened, waiting for model and data
    QString m_pendingPath;
    Json m_openedView;                                 // of a session opened without waiting
    QString m_restoredOrphan;                          // deleted after the next autosave
    QString m_modelHash, m_modelHashPath;              // content hashes, computed in the background
    QString m_dataHash, m_dataHashPath;
    QString m_expectedModelPath, m_expectedModelHash; // of the opened session, until compared
    QString m_expectedDataPath, m_expectedDataHash;
    bool m_applying = false; // results being restored: not recorded again
    bool m_dirty = false;
    qint64 m_lastImportanceCheckpointMs = 0;
    int m_autosaveSeconds = 60;
    QTimer* m_timer;
    RecentFiles m_recent;
};

} // namespace headscope::ui
