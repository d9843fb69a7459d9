#include "jobs/cpu_fallback.h"

#include "jobs/analysis_controller.h"
#include "jobs/evaluation_controller.h"
#include "jobs/translation_controller.h"
#include "model/encoder_model.h"
#include "model/seq2seq_model.h"
#include "session/session_state.h"

#include <memory>

namespace headscope::ui {

CpuFallback::CpuFallback(SessionState* session, AnalysisController* analysis, TranslationController* translation,
                         QObject* parent)
    : QObject(parent), m_session(session), m_analysis(analysis), m_translation(translation)
{
}

bool CpuFallback::isTranslationKind(const QString& kind) const
{
    return m_translation && TranslationController::jobKinds().contains(kind);
}

void CpuFallback::runOnCpu(const QString& kind)
{
    EngineSettings settings = m_session->engineSettings();
    settings.device = QStringLiteral("cpu");
    // Both windows' models follow the settings: this starts moving the loaded weights.
    m_session->setEngineSettings(settings);

    const QString moveKind = isTranslationKind(kind) ? TranslationController::kLoadModelJob : SessionState::kLoadModelJob;
    JobRunner* runner = m_session->runner();
    if (!runner->isRunning(moveKind)) return restart(kind);
    // runningChanged(false) comes after the move's result was taken in (or after its error).
    auto once = std::make_shared<QMetaObject::Connection>();
    *once = connect(runner, &JobRunner::runningChanged, this, [this, once, kind, moveKind](const QString& k, bool running) {
        if (k != moveKind || running) return;
        disconnect(*once);
        restart(kind);
    });
}

void CpuFallback::restart(const QString& kind)
{
    const bool translation = isTranslationKind(kind);
    const bool isLoad = kind == SessionState::kLoadModelJob || kind == TranslationController::kLoadModelJob;
    // A move that failed leaves the weights on the GPU, where the job would fail again.
    const std::string device = translation ? (m_translation->model() ? m_translation->model()->deviceName() : "cpu")
                                           : (m_session->model() ? m_session->model()->deviceName() : "cpu");
    if (!isLoad && device != "cpu") {
        emit notRestarted(kind, tr("The weights are still on %1: start the job again once they are on the CPU.")
                                    .arg(QString::fromStdString(device)));
        return;
    }
    bool started = false;
    if (kind == EvaluationController::kEvalJob || kind == EvaluationController::kBaselineJob)
        started = m_session->isReady(); // the evaluation restarts by itself on the moved weights
    else if (kind == SessionState::kLoadModelJob)
        started = m_session->retryModelLoad();
    else if (translation)
        started = m_translation->rerun(kind);
    else if (m_analysis)
        started = m_analysis->rerun(kind);
    if (started)
        emit restarted(kind);
    else
        emit notRestarted(kind, tr("The engine now runs on the CPU: start the job again."));
}

} // namespace headscope::ui
