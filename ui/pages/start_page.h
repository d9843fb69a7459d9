#pragma once
// First page: open a model folder and a dataset (buttons, recent lists, drag and drop onto the
// window), see what was loaded, and errors that name the file.
#include "data/dataset.h"
#include "session/recent_files.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QListWidget;
class QListWidgetItem;
class QProgressBar;
class QPushButton;

namespace headscope::ui {

class MessageBar;
class SessionState;
struct JobProgress;

class StartPage : public QWidget
{
    Q_OBJECT
public:
    explicit StartPage(SessionState* session, QWidget* parent = nullptr);

    /// Loads a model folder (remembered in the recent list once it loaded).
    void openModel(const QString& dir);
    /// Previews the dataset; asks for the columns when they are ambiguous, then loads it.
    void openDataset(const QString& path);
    /// Loads a dataset with explicit options (no preview, no questions).
    void openDataset(const QString& path, const core::DatasetOptions& options);
    /// Opens a dropped path: a folder is a model, .json/.npy a mask, other files a dataset.
    void openPath(const QString& path);

    MessageBar* messageBar() const { return m_messages; }
    /// True when there is nothing in the recent lists (a first start).
    bool hasRecentFiles() const;
    /// The recent lists, newest first: only files that loaded.
    QStringList recentModels() const { return m_recentModels.paths(); }
    QStringList recentDatasets() const { return m_recentDatasets.paths(); }
    /// The session files listed under "Recent sessions" (activating one emits sessionRequested).
    void setRecentSessions(const QStringList& paths);

public slots:
    void chooseModel();
    void chooseDataset();
    /// Opens the bundled demo: its model, its in-domain dev set; returns false when none is installed.
    bool openDemo();

signals:
    /// The user asked to go on to the head grid.
    void continueRequested();
    /// A recent session was activated.
    void sessionRequested(const QString& path);
    /// The demo's model and dataset are being loaded (so pages can default to its other files).
    /// A folder holding a translation model (config.json: model_type marian) was opened here;
    /// the Translation page takes it.
    /// A Marian folder, with the test set to open (empty: asked for on the Translation page).
    void translationModelRequested(const QString& dir, const QString& source, const QString& reference);
    void demoOpened(const QString& secondDataset, const QString& checkpointsDir);

private:
    void showModelSummary();
    void showDatasetSummary();
    void showProgress(const JobProgress& progress);
    void updateBusy();
    void refreshRecent();
    void saveRecent();
    QWidget* buildOpenColumn();
    QWidget* buildSummaryColumn();

    SessionState* m_session;
    RecentFiles m_recentModels;
    RecentFiles m_recentDatasets;

    MessageBar* m_messages;
    QPushButton* m_openDemo = nullptr;
    QListWidget* m_recentModelList = nullptr;
    QListWidget* m_recentSessionList = nullptr;
    QStringList m_recentSessions;
    QListWidget* m_recentDatasetList = nullptr;
    QFormLayout* m_modelForm = nullptr;
    QFormLayout* m_datasetForm = nullptr;
    QLabel* m_modelEmpty = nullptr;
    QLabel* m_datasetEmpty = nullptr;
    QWidget* m_modelDetails = nullptr;
    QWidget* m_datasetDetails = nullptr;
    QWidget* m_busy = nullptr;
    QLabel* m_busyStage = nullptr;
    QProgressBar* m_busyProgress = nullptr;
    QPushButton* m_continue = nullptr;
};

} // namespace headscope::ui
