#include "page_script.h"

#include "jobs/analysis_controller.h"
#include "jobs/evaluation_controller.h"
#include "main_window.h"
#include "session/session_state.h"
#include "pages/attention_page.h"
#include "pages/compare_page.h"
#include "pages/curves_page.h"
#include "pages/dynamics_page.h"
#include "pages/heads_page.h"
#include "pages/latency_page.h"

#include <QTimer>

namespace headscope::ui {

namespace {
const QStringList kRuns{QStringLiteral("importance"), QStringLiteral("ablation"), QStringLiteral("keep-one"),
                        QStringLiteral("entropy"),    QStringLiteral("curve"),    QStringLiteral("latency"),
                        QStringLiteral("compare"),    QStringLiteral("attention"), QStringLiteral("dynamics")};
}

PageScript::PageScript(MainWindow* window, QString page, QString run, QObject* parent)
    : QObject(parent), m_window(window), m_page(std::move(page)), m_run(std::move(run))
{
}

bool PageScript::validate(QString* error) const
{
    if (!m_run.isEmpty() && !kRuns.contains(m_run)) {
        *error = QStringLiteral("unknown --run \"%1\" (use %2)").arg(m_run, kRuns.join(QStringLiteral(", ")));
        return false;
    }
    if (!m_window->pageNamed(pageName())) {
        *error = QStringLiteral(
                     "unknown --page \"%1\" (use start, grid, heads, curves, latency, compare, attention, dynamics)")
                     .arg(m_page);
        return false;
    }
    return true;
}

void PageScript::setAttentionTarget(int example, int layer, int head)
{
    m_example = example;
    m_layer = layer;
    m_head = head;
}

QString PageScript::pageName() const
{
    if (!m_page.isEmpty()) return m_page;
    if (m_run == QLatin1String("curve")) return QStringLiteral("curves");
    if (m_run == QLatin1String("latency") || m_run == QLatin1String("compare") ||
        m_run == QLatin1String("attention") || m_run == QLatin1String("dynamics"))
        return m_run;
    return m_run.isEmpty() ? QStringLiteral("grid") : QStringLiteral("heads");
}

QString PageScript::jobKind() const
{
    if (m_run == QLatin1String("keep-one")) return AnalysisController::kAblationJob;
    return m_run; // the other names are the job kinds
}

void PageScript::start()
{
    // The window may show the head grid by itself once the data is in: the script decides.
    m_window->setAutoShowHeadGrid(false);
    EvaluationController* evaluation = m_window->evaluation();
    if (evaluation->current().isFinished())
        begin();
    else
        connect(evaluation, &EvaluationController::evaluationFinished, this, &PageScript::begin);
}

void PageScript::begin()
{
    if (m_started) return;
    m_started = true;
    m_window->showPage(m_window->pageNamed(pageName()));
    if (m_run.isEmpty()) {
        emit finished();
        return;
    }
    AnalysisController* analysis = m_window->analysis();
    connect(analysis, &AnalysisController::jobDone, this, [this](const QString& kind) {
        if (kind == jobKind()) emit finished();
    });
    if (m_run == QLatin1String("attention")) {
        AttentionPage* page = m_window->attentionPage();
        page->setExample(m_example);
        page->showHead(m_layer, m_head);
        return; // the page runs by itself once the head is set
    }
    if (m_run == QLatin1String("curve")) return m_window->curvesPage()->run();
    if (m_run == QLatin1String("latency")) return m_window->latencyPage()->run();
    if (m_run == QLatin1String("dynamics")) return m_window->dynamicsPage()->run();
    if (m_run == QLatin1String("compare")) {
        if (!m_secondDataset.isEmpty()) m_window->comparePage()->setSecondDataset(m_secondDataset);
        return m_window->comparePage()->run();
    }
    HeadsPage* heads = m_window->headsPage();
    if (m_run == QLatin1String("importance"))
        heads->setMode(HeadsPage::Mode::Importance);
    else if (m_run == QLatin1String("ablation"))
        heads->setMode(HeadsPage::Mode::Ablation);
    else if (m_run == QLatin1String("keep-one"))
        heads->setMode(HeadsPage::Mode::KeepOne);
    else if (m_run == QLatin1String("entropy"))
        heads->setMode(HeadsPage::Mode::Entropy);
    heads->run();
}

} // namespace headscope::ui
