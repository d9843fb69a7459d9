// AnalysisController's adoption of results read from a session file (session/session_store):
// kept apart from the jobs, which are the rest of the class.
#include "jobs/analysis_controller.h"

#include "models/head_table_model.h"
#include "session/session_state.h"

namespace headscope::ui {

// --- results from a session file ------------------------------------------------------------

void AnalysisController::restoreImportance(std::shared_ptr<const core::ImportanceResult> result)
{
    if (result) applyImportance({restoredGeneration(), std::move(result)});
}

void AnalysisController::restoreAblation(std::shared_ptr<const core::AblationResult> result)
{
    if (result) applyAblation({restoredGeneration(), std::move(result)});
}

void AnalysisController::restoreEntropy(std::shared_ptr<const core::EntropyResult> result)
{
    if (!result) return;
    m_entropy = {restoredGeneration(), std::move(result)};
    m_session->headModel()->setScores(kEntropySet, m_entropy->entropy);
    emit entropyReady(m_entropy);
}

void AnalysisController::restoreCurves(std::shared_ptr<const core::PruneCurveSet> result)
{
    if (!result) return;
    m_curves = {restoredGeneration(), std::move(result)};
    emit curvesUpdated(m_curves);
}

void AnalysisController::restoreLatency(std::shared_ptr<const core::LatencyResult> result)
{
    if (!result) return;
    m_latency = {restoredGeneration(), std::move(result)};
    emit latencyReady(m_latency);
}

void AnalysisController::restoreComparison(std::shared_ptr<const core::CompareResult> result)
{
    if (!result) return;
    m_compare = {restoredGeneration(), std::move(result)};
    emit compareReady(m_compare);
}

void AnalysisController::restoreAttention(std::shared_ptr<const core::AttentionView> result)
{
    if (!result) return;
    m_attention = {restoredGeneration(), std::move(result)};
    emit attentionReady(m_attention);
}

void AnalysisController::restoreDynamics(std::shared_ptr<const core::CheckpointSeriesResult> result)
{
    if (!result) return;
    m_dynamics = {restoredGeneration(), std::move(result)};
    emit dynamicsUpdated(m_dynamics);
}

} // namespace headscope::ui
