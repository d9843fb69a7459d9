#include "pages/page_helpers.h"

#include "jobs/analysis_controller.h"
#include "widgets/job_progress_widget.h"
#include "widgets/message_bar.h"

#include <QFont>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace headscope::ui::pagehelpers {

QLabel* titleLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    label->setFont(f);
    return label;
}

QLabel* noteLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: palette(mid);"));
    return label;
}

QLabel* numberingNote(QWidget* parent)
{
    auto* label = new QLabel(QObject::tr("Layers, heads from 0 · examples from 1"), parent);
    label->setObjectName(QStringLiteral("numberingNote"));
    label->setWordWrap(true); // two short lines rather than a wider window
    label->setMaximumWidth(label->fontMetrics().horizontalAdvance(label->text()) + 4);
    label->setStyleSheet(QStringLiteral("color: palette(mid);"));
    label->setToolTip(QObject::tr("Layer and head numbers count from 0, as in the command line's JSON and mask "
                                  "files; example numbers count from 1, as lines of a file."));
    return label;
}

QVBoxLayout* pageLayout(QWidget* page)
{
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(10);
    return layout;
}

PageHeader addHeader(QVBoxLayout* layout, const QString& title, MessageBar* messages, QWidget* page)
{
    auto* row = new QHBoxLayout;
    row->addWidget(titleLabel(title, page));
    row->addSpacing(12);
    auto* status = new QLabel(page);
    status->setWordWrap(true);
    status->setMinimumWidth(120);
    row->addWidget(status, 1);
    row->addWidget(numberingNote(page));
    layout->addLayout(row);
    layout->addWidget(messages);
    return {row, status};
}

QWidget* sidePanel(QVBoxLayout* side, QWidget* page)
{
    side->addStretch(1);
    auto* panel = new QWidget(page);
    panel->setLayout(side);
    panel->setFixedWidth(300);
    return panel;
}

void showJobErrors(AnalysisController* analysis, const QStringList& kinds, JobProgressWidget* progress,
                   MessageBar* messages, QObject* context)
{
    QObject::connect(analysis, &AnalysisController::errorOccurred, context,
                     [kinds, progress, messages](const QString& kind, const QString& message) {
                         if (!kinds.contains(kind)) return;
                         progress->markFailed(kind);
                         messages->showError(message, kind);
                     });
    // A later success of the same analysis makes its old error moot.
    QObject::connect(analysis, &AnalysisController::succeeded, context,
                     [messages](const QString& kind) { messages->clearSource(kind); });
}

} // namespace headscope::ui::pagehelpers
