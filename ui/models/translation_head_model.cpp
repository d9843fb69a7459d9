#include "models/translation_head_model.h"

#include "jobs/translation_controller.h"

namespace headscope::ui {

TranslationHeadModel::TranslationHeadModel(TranslationController* controller, core::AttentionType type,
                                           QObject* parent)
    : HeadTableModel(parent), m_controller(controller), m_type(type)
{
    connect(controller, &TranslationController::modelChanged, this, &TranslationHeadModel::resetData);
    connect(controller, &TranslationController::masksChanged, this, &TranslationHeadModel::onMaskChanged);
    resetData();
}

int TranslationHeadModel::sourceLayers() const
{
    return m_controller->nLayers(m_type);
}

int TranslationHeadModel::sourceHeads() const
{
    return m_controller->nHeads(m_type);
}

bool TranslationHeadModel::sourceHasHead(int layer, int head) const
{
    return !m_controller->model() || m_controller->hasHead(m_type, layer, head);
}

bool TranslationHeadModel::sourceMasked(int layer, int head) const
{
    return m_controller->isMasked(m_type, layer, head);
}

void TranslationHeadModel::sourceSetHeadMasked(int layer, int head, bool masked)
{
    m_controller->setHeadMasked(m_type, layer, head, masked);
}

void TranslationHeadModel::sourceSetLayerMasked(int layer, bool masked)
{
    m_controller->setLayerMasked(m_type, layer, masked);
}

} // namespace headscope::ui
