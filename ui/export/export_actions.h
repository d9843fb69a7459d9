#pragma once
// File > Export: the current mask in every supported format, the model with the masked heads
// removed (a background job), the current page's plot as PNG/SVG/PDF, and the analysis
// results as one JSON document, the current page's table as one CSV file, or every table as
// CSV files in a folder.
#include "mask/head_mask.h"
#include "util/result.h"

#include <QObject>
#include <QStringList>
#include <functional>

class QAction;
class QMainWindow;
class QMenu;
class QWidget;

namespace headscope::ui {

class AnalysisController;
class SessionState;

class ExportActions : public QObject
{
    Q_OBJECT
public:
    enum class MaskFileFormat
    {
        Json,
        HuggingFace,
        Descriptor,
        PaperDescriptor,
        Csv,
        Npy
    };

    /// How the actions ask for a file, a folder or a confirmation and how they report a problem.
    /// The defaults open dialogs; an automated run (the GUI soak test) replaces them so that no
    /// modal dialog blocks it. An empty path or false means the user cancelled.
    struct Prompts
    {
        /// Like QFileDialog::getSaveFileName: filters joined by ";;", *filter gets the chosen one.
        std::function<QString(const QString& title, const QString& suggestedName, const QString& filters,
                              QString* filter)>
            saveFile;
        std::function<QString(const QString& title)> folder;
        std::function<bool(const QString& title, const QString& question)> confirm;
        /// Why an export the user just asked for did nothing (no plot, nothing computed).
        std::function<void(const QString& title, const QString& text)> inform;
        /// Why an export failed.
        std::function<void(const QString& title, const QString& text)> warn;
    };

    /// currentPage: the page whose plot "Export Plot" saves.
    ExportActions(SessionState* session, AnalysisController* analysis, QMainWindow* window,
                  std::function<QWidget*()> currentPage);

    /// The Export submenu (owned by this object).
    QMenu* menu() const { return m_menu; }
    /// Replaces the dialogs (see Prompts); members left empty keep their dialog.
    void setPrompts(const Prompts& prompts);

    /// Writes mask to path in format; architecture goes into the formats that record it.
    static core::Result<bool> writeMask(const QString& path, const core::HeadMask& mask,
                                        MaskFileFormat format, const std::string& architecture = "bert");
    /// The format a file-dialog filter stands for.
    static MaskFileFormat formatFromFilter(const QString& filter);
    static QStringList maskFilters();
    /// The result table a page shows (resultexport::tableCsv's names); empty for pages without one.
    static QString tableFor(const QWidget* page);

public slots:
    void exportMask();
    void exportPrunedModel();
    void exportPlot();
    /// The current page's table as one CSV file.
    void exportCurrentTableCsv();
    /// Every result as CSV files in a folder.
    void exportResultsCsv();
    void exportResultsJson();

signals:
    /// Something was written (a file or a folder).
    void exported(const QString& path);
    /// An export failed; message names the file and the problem (also shown to the user).
    void failed(const QString& message);

private:
    void updateEnabled();
    void reportDone(const QString& path);
    void reportError(const QString& message);

    SessionState* m_session;
    AnalysisController* m_analysis;
    QMainWindow* m_window;
    std::function<QWidget*()> m_currentPage;
    Prompts m_prompts;
    QMenu* m_menu;
    QList<QAction*> m_needModel;
    QList<QAction*> m_needResults;
};

} // namespace headscope::ui
