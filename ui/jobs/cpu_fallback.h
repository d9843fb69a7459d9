#pragma once
// What "Run on CPU" does after a job that did not fit in the GPU's memory: switches this
// window's engine to the CPU (not saved; Settings > Engine switches back), waits until the
// weights the job needs are there, and starts that job again with its last request.
//
//   CpuFallback fallback(session, analysis, translation);
//   connect(analysis, &AnalysisController::outOfDeviceMemory, ..., [&](const QString& kind, ...) {
//       if (userAgrees) fallback.runOnCpu(kind);   // -> restarted(kind) or notRestarted(...)
//   });
//
// Kinds: the AnalysisController's and TranslationController's jobs, SessionState's and the
// translation model's "load-model" (loaded again from the same folder), and the live
// evaluation's "eval" / "baseline" (which restart by themselves on the new weights). Qt Core only.
#include <QObject>
#include <QString>

namespace headscope::ui {

class AnalysisController;
class SessionState;
class TranslationController;

class CpuFallback : public QObject
{
    Q_OBJECT
public:
    CpuFallback(SessionState* session, AnalysisController* analysis, TranslationController* translation,
                QObject* parent = nullptr);

    void runOnCpu(const QString& kind);

signals:
    /// The job of this kind started again on the CPU.
    void restarted(const QString& kind);
    /// It could not start again; reason is one sentence for the status bar.
    void notRestarted(const QString& kind, const QString& reason);

private:
    bool isTranslationKind(const QString& kind) const;
    void restart(const QString& kind);

    SessionState* m_session;
    AnalysisController* m_analysis;
    TranslationController* m_translation;
};

} // namespace headscope::ui
