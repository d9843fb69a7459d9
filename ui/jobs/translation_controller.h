#pragma once
// The Translation page's engine: a loaded Marian model, its test set, the head masks of the three
// attention types and the results, with every computation run as a JobRunner job.
//
//   TranslationController translation(session->runner());
//   translation.openModel(dir);                   // "translation-load"
//   translation.openTestSet(src, ref);            // then the unmasked run ("translation-eval")
//   translation.setHeadMasked(core::AttentionType::EncoderDecoder, 1, 2, true);
//   // -> evaluationPartial(...) per finished sentence, then evaluationFinished(result)
//
// Every mask change starts a new "translation-eval" job that supersedes the running one. The
// unmasked run is kept: its hypotheses are the Translations view's reference column and its
// per-sentence statistics give the paired bootstrap of every masked run. The unmasked encoding
// is kept too, so a change of decoder-side masks only decodes again. Lives on the UI thread; Qt
// Core only.
#include "jobs/analysis_results.h"
#include "jobs/job_progress.h"
#include "jobs/job_runner.h"
#include "mask/seq2seq_masks.h"
#include "report/session_document.h"
#include "model/encoder_model.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>
#include <memory>

namespace headscope::core {
class Seq2SeqModel;
class EncodedSources;
struct TranslationSet;
} // namespace headscope::core

namespace headscope::ui {


class TranslationController : public QObject
{
    Q_OBJECT
public:
    static const QString kLoadModelJob;  // "translation-load-model"
    static const QString kLoadSetJob;    // "translation-load-set"
    static const QString kEvalJob;       // "translation-eval"
    static const QString kImportanceJob; // "translation-importance"
    static const QString kAblationJob;   // "translation-ablation"
    static const QString kCurveJob;      // "translation-curve"
    static const QString kDynamicsJob;   // "translation-dynamics"
    static const QStringList& jobKinds();

    /// What the running evaluation knows so far (nTotal 0: none running).
    struct LiveBleu
    {
        int64_t nDone = 0;
        int64_t nTotal = 0;
        double bleu = 0.0;
    };

    explicit TranslationController(JobRunner* runner, QObject* parent = nullptr);
    ~TranslationController() override;

    JobRunner* runner() const { return m_runner; }
    /// Device and precision of the next load; a loaded model is moved to them (a
    /// "translation-load-model" job) keeping the masks and, unless the precision changed, the
    /// finished analyses.
    void setLoadOptions(const core::LoadOptions& options);
    /// Sentences per batch of every job (smaller: a superseding click waits less).
    void setBatchSize(int batchSize) { m_batchSize = std::max(1, batchSize); }
    int batchSize() const { return m_batchSize; }

    /// Loads a Marian folder; the test set opened before is tokenised again for it.
    void openModel(const QString& dir);
    /// Reads the source and reference files (reference may be empty: no BLEU); with no model
    /// yet it is read once the model is there.
    void openTestSet(const QString& sourcePath, const QString& referencePath);

    std::shared_ptr<const core::Seq2SeqModel> model() const { return m_model; }
    QString modelPath() const { return m_modelPath; }
    std::shared_ptr<const core::TranslationSet> testSet() const { return m_set; }
    QString sourcePath() const { return m_sourcePath; }
    QString referencePath() const { return m_referencePath; }
    bool isReady() const { return m_model && m_set; }

    // --- masks (one per attention type) ---
    const core::Seq2SeqMasks& masks() const { return m_masks; }
    int nLayers(core::AttentionType type) const;
    int nHeads(core::AttentionType type) const;
    bool hasHead(core::AttentionType type, int layer, int head) const;
    bool isMasked(core::AttentionType type, int layer, int head) const;
    void setHeadMasked(core::AttentionType type, int layer, int head, bool masked);
    void setLayerMasked(core::AttentionType type, int layer, bool masked);
    /// Masks every present head of the layer, or keeps them all when all are masked already.
    void toggleLayer(core::AttentionType type, int layer);
    void resetMasks();
    /// Reads a mask file (json or descriptor with the three types; csv / npy: encoder
    /// self-attention) and applies it; false with *error naming the file and the problem.
    bool loadMaskFile(const QString& path, QString* error);
    /// Writes the three masks (json, or a typed descriptor for .txt paths), atomically.
    bool saveMaskFile(const QString& path, QString* error) const;

    // --- results ---
    /// The run with every head kept (null until it finished).
    const TranslationEvalResults& unmasked() const { return m_unmasked; }
    /// The run with the current masks (the unmasked one when nothing is masked).
    const TranslationEvalResults& current() const { return m_current; }
    const LiveBleu& live() const { return m_live; }
    const TranslationImportanceResults& importance() const { return m_importance; }
    const TranslationAblationResults& ablation() const { return m_ablation; }
    const TranslationCurveResults& curves() const { return m_curves; }
    const TranslationDynamicsResults& dynamics() const { return m_dynamics; }

    /// Decodes the test set with the current masks (done by every mask change).
    quint64 evaluate();
    quint64 runImportance();
    /// Single-head ablation of every type; subsetSize > 0: only the first subsetSize sentences.
    quint64 runAblation(int64_t subsetSize);
    /// Figure 4: BLEU vs share of heads pruned, per type and all together.
    quint64 runCurves(double stepPercent);
    /// Training dynamics (paper section 6): every checkpoint sub-folder of checkpointsDir (as
    /// headscope-train writes them) scored on the open test set (its first `sentences` lines;
    /// 0: all), each with its BLEU, its importance and its pruning curves for the scopes, in
    /// its own importance order.
    quint64 runDynamics(const QString& checkpointsDir, std::vector<core::PruneScope> scopes, double stepPercent,
                        int64_t sentences);
    /// The checkpoints folder of a model: "checkpoints" beside the model folder or inside it
    /// (the translation demo's layout); empty when there is none.
    static QString checkpointsFor(const QString& modelDir);

    /// Starts the last job of this kind again with the same request (after a job that did not
    /// fit in GPU memory, on the CPU); a failed model load loads that folder again. False when
    /// there is none or it cannot start now.
    bool rerun(const QString& kind);
    void cancel(const QString& kind);
    bool isRunning(const QString& kind) const;

    // --- sessions (translation_controller_session.cpp) ---
    /// The masks as a session keeps them: null when every present head is kept.
    core::report::Json sessionMasks() const;
    /// The finished importance, ablation (single-head), pruning curves and training dynamics,
    /// as session entries in the translation result-JSON form; partial sweeps are not included.
    std::vector<core::report::SessionEntry> sessionEntries() const;
    /// Applies what a session saved for the loaded model and test set: the masks, then the
    /// results, shown as they were (not computed again). Call between the test set's arrival
    /// (testSetChanged) and the evaluation that follows it, so that this evaluation decodes with
    /// the restored masks. Returns the problems (a mask or result that does not fit the model),
    /// one sentence each; what fits is applied.
    QStringList adoptSession(const core::report::Json& masks, const std::vector<core::report::SessionEntry>& entries);

signals:
    void modelChanged();
    /// The loaded weights moved to another device or precision (setLoadOptions); the masks stay.
    void modelMoved();
    void testSetChanged();
    void masksChanged();
    /// A new evaluation started (the live numbers restart).
    void evaluationStarted();
    void evaluationPartial(const headscope::ui::TranslationController::LiveBleu& live);
    void unmaskedReady(const headscope::ui::TranslationEvalResults& results);
    void evaluationFinished(const headscope::ui::TranslationEvalResults& results);
    void importanceReady(const headscope::ui::TranslationImportanceResults& results);
    /// After each finished layer and once at the end.
    void ablationUpdated(const headscope::ui::TranslationAblationResults& results);
    /// After each measured point and once at the end.
    void curvesUpdated(const headscope::ui::TranslationCurveResults& results);
    /// After each finished checkpoint and once at the end.
    void dynamicsUpdated(const headscope::ui::TranslationDynamicsResults& results);
    void progressChanged(const headscope::ui::JobProgress& progress);
    void runningChanged(const QString& kind, bool running);
    /// A job of this kind delivered its final result (also after an error).
    void jobDone(const QString& kind);
    /// message names the file (if any) and the problem.
    void errorOccurred(const QString& kind, const QString& message);
    /// A job (or the model load) failed because it did not fit in the GPU's memory
    /// (core::isGpuOutOfMemory); sent before errorOccurred.
    void outOfDeviceMemory(const QString& kind, const QString& message);

private:
    // The pieces every analysis job shares (importance, ablation, curves, dynamics).
    /// A job's value as the pages get it, tagged with the job's generation.
    template <class T>
    static Delivered<T> deliver(JobContext& ctx, T value)
    {
        return {ctx.generation(), std::make_shared<const T>(std::move(value))};
    }
    /// Shows a running job's partial result (only while the job is current: JobContext::post).
    template <class T>
    void publishPartial(JobContext& ctx, const T& soFar, Delivered<T> TranslationController::*slot,
                        void (TranslationController::*updated)(const Delivered<T>&))
    {
        Delivered<T> partial = deliver(ctx, soFar);
        ctx.post([this, partial, slot, updated]() {
            this->*slot = partial;
            emit(this->*updated)(partial);
        });
    }
    /// The finishing step: keeps the result with its time and announces it, or reports the error.
    template <class T>
    auto finishJob(const QString& kind, Delivered<T> TranslationController::*slot, std::string TranslationController::*finishedAt,
                   void (TranslationController::*updated)(const Delivered<T>&))
    {
        return [this, kind, slot, finishedAt, updated](const core::Result<Delivered<T>>& r) {
            if (!r) return fail(kind, r.error());
            this->*slot = r.value();
            this->*finishedAt = core::report::utcTimestamp();
            emit(this->*updated)(this->*slot);
            emit jobDone(kind);
        };
    }

    void loadTestSet();
    /// The loaded model is not on the device and precision of m_loadOptions.
    bool needsMove() const;
    void moveModel();
    void clearResults();
    bool checkReady(const QString& kind, bool needsReferences);
    void fail(const QString& kind, const core::Error& error);
    void onMasksChanged();

    // Guarded: the main window's runner (in SessionState) may be destroyed before this controller.
    QPointer<JobRunner> m_runner;
    core::LoadOptions m_loadOptions;
    int m_batchSize = 32;
    std::shared_ptr<const core::Seq2SeqModel> m_model;
    QString m_modelPath;
    QString m_requestedModelDir; // of the last openModel, loaded or not
    quint64 m_openedSerial = 0;  // bumped by each model openModel loaded (not by moves)
    QHash<QString, std::function<quint64()>> m_rerun; // kind -> its last request, for rerun()
    std::shared_ptr<const core::TranslationSet> m_set;
    QString m_sourcePath;
    QString m_referencePath;
    core::Seq2SeqMasks m_masks;
    std::shared_ptr<const core::EncodedSources> m_unmaskedEncoding;
    TranslationEvalResults m_unmasked;
    TranslationEvalResults m_current;
    LiveBleu m_live;
    TranslationImportanceResults m_importance;
    TranslationAblationResults m_ablation;
    TranslationCurveResults m_curves;
    TranslationDynamicsResults m_dynamics;
    // When each finished (UTC, ISO 8601), for the session entries.
    std::string m_importanceFinishedAt, m_ablationFinishedAt, m_curvesFinishedAt, m_dynamicsFinishedAt;
};

} // namespace headscope::ui

Q_DECLARE_METATYPE(headscope::ui::TranslationController::LiveBleu)
