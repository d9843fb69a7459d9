#pragma once
// Runs the paper's analyses on the session's model and dataset as JobRunner jobs, one kind per
// analysis ("importance", "ablation", "entropy", "curve", "latency", "compare", "attention",
// "export-model"). Starting a job of a kind supersedes the running one of that kind: whatever
// the old one still sends is dropped by the runner's generation check.
//
//   AnalysisController analysis(session);
//   connect(&analysis, &AnalysisController::ablationUpdated, page, &HeadsPage::showAblation);
//   analysis.runAblation(core::AblationMode::SingleHead);   // layer by layer, then final
//
// Scores also go into the session's HeadTableModel as named sets (kImportanceSet, ...), so the
// head grid, the heatmaps and their tooltips all read the same numbers. Results are dropped
// when the model or the dataset changes. Lives on the UI thread; Qt Core only.
#include "jobs/analysis_results.h"
#include "jobs/job_progress.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <functional>
#include <vector>

namespace headscope::ui {

class SessionState;

class AnalysisController : public QObject
{
    Q_OBJECT
public:
    static const QString kImportanceJob;  // "importance"
    static const QString kAblationJob;    // "ablation"
    static const QString kEntropyJob;     // "entropy"
    static const QString kCurveJob;       // "curve"
    static const QString kLatencyJob;     // "latency"
    static const QString kCompareJob;     // "compare"
    static const QString kAttentionJob;   // "attention"
    static const QString kExportModelJob; // "export-model"
    static const QString kDynamicsJob;    // "dynamics"
    /// Every kind above.
    static const QStringList& jobKinds();

    // Score sets written into the HeadTableModel.
    static const QString kImportanceSet;    // "importance" (normalised)
    static const QString kImportanceRawSet; // "importance-raw"
    static const QString kAblationSet;      // "ablation" (single-head delta, with p-values)
    static const QString kKeepOneSet;       // "keep-one" (delta with only that head kept in its layer)
    static const QString kEntropySet;       // "entropy"

    enum class SignificanceTest
    {
        TTest,
        McNemar
    };
    enum class CompareWhat
    {
        Ablation,
        Importance
    };

    struct CurveRequest
    {
        std::vector<core::PruneOrder> orders{core::PruneOrder::Importance, core::PruneOrder::Ablation,
                                             core::PruneOrder::Random};
        double stepPercent = 10.0;
        bool rescore = false;
        int minHeadsPerLayer = 0;
        uint64_t seed = 42;
        core::ImportanceParams importance; // scoring of the importance order (batch size: the session's)
    };

    struct LatencyRequest
    {
        std::vector<int> batchSizes{1, 4, 16, 64};
        int seqLength = 128;
        int warmupRuns = 2;
        int timedRuns = 10;
    };

    explicit AnalysisController(SessionState* session, QObject* parent = nullptr);

    SessionState* session() const { return m_session; }

    /// Importance of every head with the full mask. Returns the job's generation (0: not ready).
    /// resumeFrom: the sums of an interrupted run (a session checkpoint), whose batches are
    /// skipped; its batch size is used.
    quint64 runImportance(core::ImportanceMethod method, core::ImportanceNormalization normalization,
                          std::shared_ptr<const core::ImportanceCheckpoint> resumeFrom = nullptr, int batchSize = 0);
    /// Single-head or keep-one ablation from the full mask; results stream layer by layer.
    /// resumeFrom: a partial sweep of that mode (a session checkpoint): its layers are kept.
    quint64 runAblation(core::AblationMode mode, std::shared_ptr<const core::AblationResult> resumeFrom = nullptr);
    quint64 runEntropy();
    /// One curve per order, in one job; points arrive as they are measured. resumeFrom: a
    /// partial set of the same request (a session checkpoint): its points are kept.
    quint64 runCurves(const CurveRequest& request, std::shared_ptr<const core::PruneCurveSet> resumeFrom = nullptr);
    /// The request of the last curves started (what a session stores to resume them).
    const CurveRequest& lastCurveRequest() const { return m_lastCurveRequest; }

    // Results read from a session file, adopted as if their jobs had just finished (signals
    // included). They carry generations above 2^62, never equal to a job's.
    void restoreImportance(std::shared_ptr<const core::ImportanceResult> result);
    /// Single-head or keep-one by result->params.mode; may be partial (layersDone < nLayers).
    void restoreAblation(std::shared_ptr<const core::AblationResult> result);
    void restoreEntropy(std::shared_ptr<const core::EntropyResult> result);
    void restoreCurves(std::shared_ptr<const core::PruneCurveSet> result);
    void restoreLatency(std::shared_ptr<const core::LatencyResult> result);
    void restoreComparison(std::shared_ptr<const core::CompareResult> result);
    void restoreAttention(std::shared_ptr<const core::AttentionView> result);
    void restoreDynamics(std::shared_ptr<const core::CheckpointSeriesResult> result);
    /// Original vs the current mask (masked and actually pruned), on random token ids.
    quint64 runLatency(const LatencyRequest& request);
    /// The same analysis on the session's dataset and on the file pathB (read with the
    /// session's column options), and how the per-head values correlate.
    quint64 runCompare(const QString& pathB, CompareWhat what,
                       core::ImportanceMethod method = core::ImportanceMethod::MaskGradient);
    /// One head's attention on one example with the current mask, and the prediction without it.
    quint64 runAttention(int example, int layer, int head);
    /// Importance and pruning curves (by importance) of every checkpoint in checkpointsDir, on
    /// the session's dataset; checkpoints arrive one by one (paper section 6).
    quint64 runDynamics(const QString& checkpointsDir, double stepPercent = 10.0);
    /// Writes the model with the mask's masked heads removed, in Hugging Face layout.
    quint64 exportPrunedModel(const QString& dir, const core::HeadMask& mask);

    /// Starts the last job of this kind again with the same request, from the start (after a
    /// job that did not fit in GPU memory, on the CPU). False when none was started or it cannot
    /// start now (no model or data).
    bool rerun(const QString& kind);
    void cancel(const QString& kind);
    bool isRunning(const QString& kind) const;

    /// Re-normalises the stored raw importance (no new job).
    void setImportanceNormalization(core::ImportanceNormalization normalization);
    /// Which p-values the head model shows for ablation results.
    void setSignificanceTest(SignificanceTest test);
    SignificanceTest significanceTest() const { return m_significance; }

    const ImportanceResults& importance() const { return m_importance; }
    const AblationResults& ablation() const { return m_ablation; }
    const AblationResults& keepOne() const { return m_keepOne; }
    const EntropyResults& entropy() const { return m_entropy; }
    const CurveResults& curves() const { return m_curves; }
    const LatencyResults& latency() const { return m_latency; }
    const CompareResults& comparison() const { return m_compare; }
    const AttentionResults& attention() const { return m_attention; }
    const DynamicsResults& dynamics() const { return m_dynamics; }

signals:
    void importanceReady(const headscope::ui::ImportanceResults& results);
    /// After each finished layer (results.finished false) and once at the end.
    void ablationUpdated(const headscope::ui::AblationResults& results);
    void entropyReady(const headscope::ui::EntropyResults& results);
    /// After each measured point and once at the end.
    void curvesUpdated(const headscope::ui::CurveResults& results);
    void latencyReady(const headscope::ui::LatencyResults& results);
    void compareReady(const headscope::ui::CompareResults& results);
    void attentionReady(const headscope::ui::AttentionResults& results);
    /// After each finished checkpoint and once at the end.
    void dynamicsUpdated(const headscope::ui::DynamicsResults& results);
    void modelExported(const QString& dir);
    /// A running importance job summed another batch: its parameters and sums so far (what a
    /// session checkpoints to resume it after a crash).
    void importanceCheckpointed(const core::ImportanceParams& params, const core::ImportanceCheckpoint& checkpoint);
    /// A job failed because it did not fit in the GPU's memory (core::isGpuOutOfMemory);
    /// sent before errorOccurred.
    void outOfDeviceMemory(const QString& kind, const QString& message);
    /// A job of this kind delivered its final result (also after an error).
    void jobDone(const QString& kind);
    /// A job of this kind delivered its final result without an error (just before jobDone).
    void succeeded(const QString& kind);
    void progressChanged(const headscope::ui::JobProgress& progress);
    void runningChanged(const QString& kind, bool running);
    /// message names the file (if any) and the problem.
    void errorOccurred(const QString& kind, const QString& message);
    /// The model or the dataset changed: every stored result was dropped.
    void resultsCleared();

private:
    void clearResults();
    bool checkReady(const QString& kind);
    void fail(const QString& kind, const core::Error& error);
    void succeed(const QString& kind);
    void applyImportance(const ImportanceResults& results);
    void applyAblation(const AblationResults& results);
    void pushPValues();
    quint64 restoredGeneration() { return (quint64(1) << 62) + ++m_restoredCount; }

    SessionState* m_session;
    SignificanceTest m_significance = SignificanceTest::TTest;
    ImportanceResults m_importance;
    AblationResults m_ablation;
    AblationResults m_keepOne;
    EntropyResults m_entropy;
    CurveResults m_curves;
    LatencyResults m_latency;
    CompareResults m_compare;
    AttentionResults m_attention;
    DynamicsResults m_dynamics;
    CurveRequest m_lastCurveRequest;
    QHash<QString, std::function<quint64()>> m_rerun; // kind -> its last request, for rerun()
    quint64 m_restoredCount = 0;
};

} // namespace headscope::ui
