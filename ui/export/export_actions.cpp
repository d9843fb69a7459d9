#include "export/export_actions.h"

#include "jobs/analysis_controller.h"
#include "mask/mask_file.h"
#include "model/encoder_model.h"
#include "export/result_export.h"
#include "session/session_state.h"
#include "pages/compare_page.h"
#include "pages/curves_page.h"
#include "pages/heads_page.h"
#include "pages/latency_page.h"
#include "plots/plot_widget.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QStatusBar>

namespace headscope::ui {

ExportActions::ExportActions(SessionState* session, AnalysisController* analysis, QMainWindow* window,
                             std::function<QWidget*()> currentPage)
    : QObject(window), m_session(session), m_analysis(analysis), m_window(window),
      m_currentPage(std::move(currentPage)), m_menu(new QMenu(tr("&Export"), window))
{
    m_prompts.saveFile = [window](const QString& title, const QString& suggested, const QString& filters,
                                  QString* filter) {
        return QFileDialog::getSaveFileName(window, title, suggested, filters, filter);
    };
    m_prompts.folder = [window](const QString& title) { return QFileDialog::getExistingDirectory(window, title); };
    m_prompts.confirm = [window](const QString& title, const QString& question) {
        return QMessageBox::question(window, title, question) == QMessageBox::Yes;
    };
    m_prompts.inform = [window](const QString& title, const QString& text) {
        QMessageBox::information(window, title, text);
    };
    m_prompts.warn = [window](const QString& title, const QString& text) { QMessageBox::warning(window, title, text); };

    m_needModel << m_menu->addAction(tr("&Mask…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                                     &ExportActions::exportMask);
    m_needModel << m_menu->addAction(tr("&Pruned Model…"), this, &ExportActions::exportPrunedModel);
    m_menu->addSeparator();
    m_menu->addAction(tr("P&lot Image…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), this,
                      &ExportActions::exportPlot);
    m_needResults << m_menu->addAction(tr("Current &Table as CSV…"), this, &ExportActions::exportCurrentTableCsv);
    m_needResults << m_menu->addAction(tr("All Results as CSV (&Folder)…"), this, &ExportActions::exportResultsCsv);
    m_needResults << m_menu->addAction(tr("Results as &JSON…"), this, &ExportActions::exportResultsJson);

    connect(m_menu, &QMenu::aboutToShow, this, &ExportActions::updateEnabled);
    // The shortcuts (Ctrl+E) work without the menu ever being opened: follow the state too.
    connect(session, &SessionState::modelChanged, this, &ExportActions::updateEnabled);
    connect(analysis, &AnalysisController::succeeded, this, &ExportActions::updateEnabled);
    connect(analysis, &AnalysisController::resultsCleared, this, &ExportActions::updateEnabled);
    connect(analysis, &AnalysisController::modelExported, this, &ExportActions::reportDone);
    connect(analysis, &AnalysisController::errorOccurred, this,
            [this](const QString& kind, const QString& message) {
                if (kind == AnalysisController::kExportModelJob) reportError(message);
            });
    updateEnabled();
}

void ExportActions::setPrompts(const Prompts& prompts)
{
    if (prompts.saveFile) m_prompts.saveFile = prompts.saveFile;
    if (prompts.folder) m_prompts.folder = prompts.folder;
    if (prompts.confirm) m_prompts.confirm = prompts.confirm;
    if (prompts.inform) m_prompts.inform = prompts.inform;
    if (prompts.warn) m_prompts.warn = prompts.warn;
}

QStringList ExportActions::maskFilters()
{
    return {tr("HeadScope mask (*.json)"),     tr("Hugging Face pruned_heads (*.json)"),
            tr("Descriptor, 0-based (*.txt)"), tr("Paper descriptor, 1-based (*.txt)"),
            tr("Matrix, 1 = kept (*.csv)"),    tr("NumPy matrix, 1 = kept (*.npy)")};
}

ExportActions::MaskFileFormat ExportActions::formatFromFilter(const QString& filter)
{
    const QStringList filters = maskFilters();
    const int i = filters.indexOf(filter);
    return i < 0 ? MaskFileFormat::Json : MaskFileFormat(i);
}

core::Result<bool> ExportActions::writeMask(const QString& path, const core::HeadMask& mask,
                                            MaskFileFormat format, const std::string& architecture)
{
    const core::MaskSet set = core::MaskSet::fromMask(mask, architecture);
    switch (format) {
    case MaskFileFormat::Json:
        return core::writeMaskFile(path.toStdString(), set, core::MaskFormat::HeadScopeJson);
    case MaskFileFormat::HuggingFace:
        return core::writeMaskFile(path.toStdString(), set, core::MaskFormat::HfPrunedHeads);
    case MaskFileFormat::Descriptor:
        return core::writeMaskFile(path.toStdString(), set, core::MaskFormat::Descriptor);
    case MaskFileFormat::Csv:
        return core::writeMaskFile(path.toStdString(), set, core::MaskFormat::Csv);
    case MaskFileFormat::Npy:
        return core::writeMaskFile(path.toStdString(), set, core::MaskFormat::Npy);
    case MaskFileFormat::PaperDescriptor: {
        // Not one of writeMaskFile's formats: the paper code's 1-based text.
        QSaveFile file(path);
        const QByteArray text = QByteArray::fromStdString(core::maskToPaperDescriptor(set)) + '\n';
        if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit())
            return core::Error{core::ErrorCode::InvalidFile,
                               "could not write the mask file (" + file.errorString().toStdString() + ")",
                               path.toStdString(),
                               {}};
        return true;
    }
    }
    return core::Error{core::ErrorCode::InvalidArgument, "unknown mask format", path.toStdString(), {}};
}

void ExportActions::updateEnabled()
{
    for (QAction* a : m_needModel)
        a->setEnabled(m_session->hasModel());
    for (QAction* a : m_needResults)
        a->setEnabled(resultexport::hasResults(*m_analysis));
}

void ExportActions::exportMask()
{
    const auto model = m_session->model();
    if (!model) return;
    QString filter = maskFilters().first();
    QString path = m_prompts.saveFile(tr("Export the current mask"), QStringLiteral("mask.json"),
                                      maskFilters().join(QStringLiteral(";;")), &filter);
    if (path.isEmpty()) return;
    const MaskFileFormat format = formatFromFilter(filter);
    if (QFileInfo(path).suffix().isEmpty()) {
        static const char* suffixes[] = {".json", ".json", ".txt", ".txt", ".csv", ".npy"};
        path += QLatin1String(suffixes[int(format)]);
    }
    auto r = writeMask(path, m_session->mask(), format, model->config().modelType);
    if (!r) {
        reportError(QString::fromStdString(r.error().toString()));
        return;
    }
    reportDone(path);
}

void ExportActions::exportPrunedModel()
{
    if (!m_session->hasModel()) return;
    const QString dir = m_prompts.folder(tr("Folder for the pruned model"));
    if (dir.isEmpty()) return;
    if (!QDir(dir).isEmpty() &&
        !m_prompts.confirm(tr("Export pruned model"),
                           tr("%1 is not empty. Write the model files into it anyway?").arg(dir)))
        return;
    m_analysis->exportPrunedModel(dir, m_session->mask());
    m_window->statusBar()->showMessage(tr("Writing the pruned model to %1…").arg(dir));
}

void ExportActions::exportPlot()
{
    QWidget* page = m_currentPage ? m_currentPage() : nullptr;
    const auto plots = page ? page->findChildren<PlotWidget*>() : QList<PlotWidget*>();
    for (PlotWidget* plot : plots) {
        if (!plot->isVisible()) continue;
        QString selected;
        const QString path = PlotWidget::withImageSuffix(
            m_prompts.saveFile(tr("Save plot as image"), plot->exportName() + QStringLiteral(".png"),
                               PlotWidget::imageFilter(), &selected),
            selected);
        if (path.isEmpty()) return;
        QString error;
        if (!plot->saveImage(path, &error)) return reportError(error);
        reportDone(path);
        return;
    }
    m_prompts.inform(tr("Export plot"), tr("This page has no plot. Open the Heads, Curves, Latency, "
                                           "Compare or Attention page first."));
}

QString ExportActions::tableFor(const QWidget* page)
{
    if (const auto* heads = qobject_cast<const HeadsPage*>(page)) return HeadsPage::scoreSet(heads->mode());
    if (qobject_cast<const CurvesPage*>(page)) return QStringLiteral("curves");
    if (qobject_cast<const LatencyPage*>(page)) return QStringLiteral("latency");
    if (qobject_cast<const ComparePage*>(page)) return QStringLiteral("compare");
    return {};
}

void ExportActions::exportCurrentTableCsv()
{
    const QString table = tableFor(m_currentPage ? m_currentPage() : nullptr);
    if (table.isEmpty() || resultexport::tableCsv(*m_analysis, table).isEmpty()) {
        m_prompts.inform(tr("Export table"),
                         table.isEmpty() ? tr("This page has no result table. Open the Heads, Curves, "
                                              "Latency or Compare page, or use All Results as CSV.")
                                         : tr("The %1 table has not been computed yet.").arg(table));
        return;
    }
    QString path = m_prompts.saveFile(tr("Save the %1 table").arg(table), QStringLiteral("headscope-%1.csv").arg(table),
                                      tr("CSV (*.csv)"), nullptr);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".csv");
    auto r = resultexport::writeTableCsv(*m_analysis, table, path);
    if (!r) return reportError(QString::fromStdString(r.error().toString()));
    reportDone(path);
}

void ExportActions::exportResultsCsv()
{
    // A folder, not a file: the dialog's title says so, since typing a file name there fails.
    const QString dir = m_prompts.folder(tr("Choose a folder: one CSV file per result is written into it"));
    if (dir.isEmpty()) return;
    auto r = resultexport::writeResults(*m_analysis, dir, resultexport::Format::Csv);
    if (!r) return reportError(QString::fromStdString(r.error().message));
    reportDone(tr("%n file(s) in %1", nullptr, int(r->size())).arg(dir));
}

void ExportActions::exportResultsJson()
{
    QString path = m_prompts.saveFile(tr("Save the results"), QStringLiteral("headscope-results.json"),
                                      tr("JSON (*.json)"), nullptr);
    if (path.isEmpty()) return;
    if (QFileInfo(path).suffix().isEmpty()) path += QStringLiteral(".json");
    auto r = resultexport::writeResults(*m_analysis, path, resultexport::Format::Json);
    if (!r) return reportError(QString::fromStdString(r.error().message));
    reportDone(path);
}

void ExportActions::reportDone(const QString& path)
{
    m_window->statusBar()->showMessage(tr("Exported %1").arg(path), 8000);
    emit exported(path);
}

void ExportActions::reportError(const QString& message)
{
    m_window->statusBar()->clearMessage();
    emit failed(message);
    m_prompts.warn(tr("Export"), message);
}

} // namespace headscope::ui
