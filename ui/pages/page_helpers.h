#pragma once
// Small look-alike pieces shared by the analysis pages.
#include <QString>
#include <QStringList>

class QHBoxLayout;
class QLabel;
class QObject;
class QVBoxLayout;
class QWidget;

namespace headscope::ui {
class AnalysisController;
class JobProgressWidget;
class MessageBar;
} // namespace headscope::ui

namespace headscope::ui::pagehelpers {

/// The page's title, large and bold, as on the head grid page.
QLabel* titleLabel(const QString& text, QWidget* parent);

/// Explanatory text in a muted colour that wraps.
QLabel* noteLabel(const QString& text, QWidget* parent);

/// The numbering every view uses, said in its header: layers and heads from 0 (as the CLI's
/// JSON), examples from 1. objectName "numberingNote".
QLabel* numberingNote(QWidget* parent);

/// The page's outer column, with the margins and spacing every analysis page uses.
QVBoxLayout* pageLayout(QWidget* page);

/// What addHeader built: the row (for pages that add controls to it) and the status label.
struct PageHeader
{
    QHBoxLayout* row;
    QLabel* status;
};

/// Adds the header row (title, a status label taking the rest, the numbering note) and the
/// message bar under it; pages add their controls to the row before the note.
PageHeader addHeader(QVBoxLayout* layout, const QString& title, MessageBar* messages, QWidget* page);

/// Ends the side column with a stretch and wraps it in the fixed-width panel beside the plot.
QWidget* sidePanel(QVBoxLayout* side, QWidget* page);

/// Shows errors of the given job kinds: the progress line says the job failed, the bar shows why.
void showJobErrors(AnalysisController* analysis, const QStringList& kinds, JobProgressWidget* progress,
                   MessageBar* messages, QObject* context);

} // namespace headscope::ui::pagehelpers
