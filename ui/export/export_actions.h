#pragma once
// File > Export: the current mask in every supported format, the model with the masked heads
// removed (a background job), the current page's plot as PNG/SVG/PDF, and the analysis
// results as one JSON document, the current page's table as one CSV file, or every table as
// CSV files in a folder.
#include "mask/head_mask.h"
#include "util/result.h"

#include <QObject>
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

    /// currentPage: the page whose plot "Export Plot" saves.
    ExportActions(SessionState* session, AnalysisController* analysis, QMainWindow* window,
                  std::function<QWidget*()> currentPage);

    /// The Export submenu (owned by this object).
    QMenu* menu() const { return m_menu; }

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

private:
    void updateEnabled();
    void reportDone(const QString& path);
    void reportError(const QString& message);

    SessionState* m_session;
    AnalysisController* m_analysis;
    QMainWindow* m_window;
    std::function<QWidget*()> m_currentPage;
    QMenu* m_menu;
    QList<QAction*> m_needModel;
    QList<QAction*> m_needResults;
};

} // namespace headscope::ui
