// TranslationController's side of session files (session/translation_session_link): what it
// hands to a session and how it takes results back. Kept apart from the jobs.
#include "jobs/translation_controller.h"
#include "util/error_text.h"

#include "model/seq2seq_model.h"
#include "report/translation_json.h"

namespace headscope::ui {

namespace report = core::report;

namespace {

// The matrices have one row per layer and one value per head of each type, as the model.
bool fitsModel(const core::HeadMatrices& m, const core::Seq2SeqModel& model)
{
    for (core::AttentionType t : core::kSeq2SeqAttentionTypes) {
        const core::Matrix& rows = m.of(t);
        if (int(rows.size()) != model.nLayers(t)) return false;
        for (const auto& row : rows)
            if (int(row.size()) != model.nHeads(t)) return false;
    }
    return true;
}

} // namespace

report::Json TranslationController::sessionMasks() const
{
    if (!m_model) return nullptr;
    const core::Seq2SeqMasks full = m_model->fullMasks();
    if (m_masks.encoderSelf == full.encoderSelf && m_masks.encoderDecoder == full.encoderDecoder &&
        m_masks.decoderSelf == full.decoderSelf)
        return nullptr;
    return report::seq2seqMasksJson(m_masks);
}

std::vector<report::SessionEntry> TranslationController::sessionEntries() const
{
    std::vector<report::SessionEntry> out;
    auto add = [&out](std::string key, report::Json result, const std::string& finishedAt) {
        out.push_back(report::finishedEntry(std::move(key), std::move(result)));
        if (!finishedAt.empty()) out.back().finishedAt = finishedAt;
    };
    if (m_importance.isValid())
        add(report::resultKey(*m_importance), report::toJson(*m_importance), m_importanceFinishedAt);
    if (m_ablation.isValid() && m_ablation->complete())
        add(report::resultKey(*m_ablation), report::toJson(*m_ablation), m_ablationFinishedAt);
    if (m_curves.isValid() && m_curves->complete)
        add(report::resultKey(*m_curves), report::toJson(*m_curves), m_curvesFinishedAt);
    if (m_dynamics.isValid() && m_dynamics->complete)
        add(report::resultKey(*m_dynamics), report::toJson(*m_dynamics), m_dynamicsFinishedAt);
    return out;
}

QStringList TranslationController::adoptSession(const report::Json& masks, const std::vector<report::SessionEntry>& entries)
{
    QStringList problems;
    if (!m_model) return {tr("No translation model is loaded.")};
    const core::Seq2SeqMasks shapes = m_model->fullMasks();
    if (!masks.is_null()) {
        auto m = report::seq2seqMasksFromJson(masks, shapes);
        if (m) {
            m_masks = std::move(m).value();
            emit masksChanged();
        } else {
            problems << tr("The saved masks do not fit this model: %1").arg(errorText(m.error()));
        }
    }
    // Generation 0: no job made these; the pages show them as a finished run.
    for (const auto& e : entries) {
        if (!e.complete) continue;
        if (e.key == "importance") {
            auto r = report::translationImportanceFromJson(e.result);
            if (!r) {
                problems << tr("The saved head importance cannot be read: %1").arg(errorText(r.error()));
                continue;
            }
            if (!fitsModel(r->normalized, *m_model) || !fitsModel(r->raw, *m_model)) {
                problems << tr("The saved head importance is for another shape of model; it was not shown.");
                continue;
            }
            m_importance = {0, std::make_shared<const core::TranslationImportanceResult>(std::move(r).value())};
            m_importanceFinishedAt = e.finishedAt;
            emit importanceReady(m_importance);
        } else if (e.key == "ablation") {
            auto r = report::translationAblationFromJson(e.result);
            if (!r) {
                problems << tr("The saved ablation cannot be read: %1").arg(errorText(r.error()));
                continue;
            }
            if (!fitsModel(r->bleu, *m_model) || !fitsModel(r->delta, *m_model)) {
                problems << tr("The saved ablation is for another shape of model; it was not shown.");
                continue;
            }
            m_ablation = {0, std::make_shared<const core::TranslationAblationResult>(std::move(r).value())};
            m_ablationFinishedAt = e.finishedAt;
            emit ablationUpdated(m_ablation);
        } else if (e.key == "prune_curves") {
            auto r = report::translationPruneCurvesFromJson(e.result, shapes);
            if (!r) {
                problems << tr("The saved pruning curves cannot be read: %1").arg(errorText(r.error()));
                continue;
            }
            m_curves = {0, std::make_shared<const core::TranslationPruneCurveSet>(std::move(r).value())};
            m_curvesFinishedAt = e.finishedAt;
            emit curvesUpdated(m_curves);
        } else if (e.key == "checkpoints") {
            auto r = report::translationCheckpointsFromJson(e.result);
            if (!r) {
                problems << tr("The saved training dynamics cannot be read: %1").arg(errorText(r.error()));
                continue;
            }
            m_dynamics = {0, std::make_shared<const core::TranslationCheckpointSeriesResult>(std::move(r).value())};
            m_dynamicsFinishedAt = e.finishedAt;
            emit dynamicsUpdated(m_dynamics);
        }
    }
    return problems;
}

} // namespace headscope::ui
