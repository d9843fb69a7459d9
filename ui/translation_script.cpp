#include "translation_script.h"

#include "jobs/translation_controller.h"
#include "pages/translation_dynamics_tab.h"
#include "pages/translation_page.h"

#include <QTabWidget>

namespace headscope::ui {

namespace {
// In the page's tab order.
const QStringList kTabs{QStringLiteral("heads"), QStringLiteral("translations"), QStringLiteral("curves"),
                        QStringLiteral("dynamics")};
const QStringList kRuns{QStringLiteral("importance"), QStringLiteral("ablation"), QStringLiteral("curve"),
                        QStringLiteral("live"), QStringLiteral("dynamics")};
} // namespace

TranslationScript::TranslationScript(TranslationPage* page, QString tab, QString run, QString maskPath, QObject* parent)
    : QObject(parent), m_page(page), m_tab(std::move(tab)), m_run(std::move(run)), m_maskPath(std::move(maskPath))
{
}

bool TranslationScript::validate(QString* error) const
{
    if (!m_run.isEmpty() && !kRuns.contains(m_run)) {
        *error = QStringLiteral("unknown --run \"%1\" for a translation model (use %2)")
                     .arg(m_run, kRuns.join(QStringLiteral(", ")));
        return false;
    }
    if (!m_tab.isEmpty() && !kTabs.contains(m_tab)) {
        *error = QStringLiteral("unknown --tab \"%1\" (use %2)").arg(m_tab, kTabs.join(QStringLiteral(", ")));
        return false;
    }
    return true;
}

int TranslationScript::tabIndex() const
{
    if (!m_tab.isEmpty()) return int(kTabs.indexOf(m_tab));
    if (m_run == QLatin1String("curve")) return 2;
    if (m_run == QLatin1String("dynamics")) return 3;
    return 0;
}

void TranslationScript::start()
{
    TranslationController* c = m_page->controller();
    connect(c, &TranslationController::evaluationFinished, this, &TranslationScript::onEvaluated);
    connect(c, &TranslationController::errorOccurred, this, [this](const QString&, const QString& message) {
        if (!m_done) {
            m_done = true;
            emit failed(message);
        }
    });
}

// The first decode is the unmasked one; with a mask file the masked decode follows.
void TranslationScript::onEvaluated()
{
    if (m_started) return;
    TranslationController* c = m_page->controller();
    if (m_run == QLatin1String("live") && !m_importanceDone) {
        // The heatmaps show importance while the masked model decodes.
        m_importanceDone = true;
        connect(c, &TranslationController::jobDone, this, [this](const QString& kind) {
            if (kind == TranslationController::kImportanceJob) onEvaluated();
        });
        m_page->runImportance();
        return;
    }
    if (!m_maskPath.isEmpty() && !m_maskApplied) {
        m_maskApplied = true;
        QString error;
        if (!c->loadMaskFile(m_maskPath, &error)) {
            m_done = true;
            emit failed(error);
            return;
        }
        if (m_run == QLatin1String("live")) {
            // Stop halfway through the masked decode: the live BLEU of the finished sentences.
            m_started = true;
            m_page->tabs()->setCurrentIndex(tabIndex());
            connect(c, &TranslationController::evaluationPartial, this,
                    [this](const TranslationController::LiveBleu& live) {
                        if (!m_done && live.nDone * 2 >= live.nTotal) {
                            m_done = true;
                            emit finished();
                        }
                    });
        }
        return; // wait for the masked decode
    }
    // With a mask, the Translations tab lists the sentences it changed.
    if (m_maskApplied && tabIndex() == 1) m_page->setChangedOnly(true);
    begin();
}

void TranslationScript::begin()
{
    m_started = true;
    m_page->tabs()->setCurrentIndex(tabIndex());
    TranslationController* c = m_page->controller();
    QString kind;
    if (m_run == QLatin1String("importance")) kind = TranslationController::kImportanceJob;
    if (m_run == QLatin1String("ablation")) kind = TranslationController::kAblationJob;
    if (m_run == QLatin1String("curve")) kind = TranslationController::kCurveJob;
    if (m_run == QLatin1String("dynamics")) kind = TranslationController::kDynamicsJob;
    if (kind.isEmpty()) {
        m_done = true;
        emit finished();
        return;
    }
    connect(c, &TranslationController::jobDone, this, [this, kind](const QString& done) {
        if (done == kind && !m_done) {
            m_done = true;
            emit finished();
        }
    });
    if (m_run == QLatin1String("importance")) m_page->runImportance();
    if (m_run == QLatin1String("ablation")) {
        m_page->setAblationSubset(m_subset);
        m_page->runAblation();
    }
    if (m_run == QLatin1String("curve")) m_page->runCurves();
    if (m_run == QLatin1String("dynamics")) {
        // The model's own checkpoints; the subset option gives the sentences (0: the tab's default).
        if (m_subset > 0) m_page->dynamicsTab()->setSentences(m_subset);
        m_page->dynamicsTab()->run();
    }
}

} // namespace headscope::ui
