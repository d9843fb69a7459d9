#pragma once
// The head grid of one attention type of a translation model: the same HeadTableModel every
// heatmap reads, with the mask kept by the TranslationController (one per type) instead of the
// session, so a click on the encoder-decoder heatmap masks an encoder-decoder head.
#include "mask/head_mask.h"
#include "models/head_table_model.h"

namespace headscope::ui {

class TranslationController;

class TranslationHeadModel : public HeadTableModel
{
    Q_OBJECT
public:
    TranslationHeadModel(TranslationController* controller, core::AttentionType type, QObject* parent = nullptr);

    core::AttentionType attentionType() const { return m_type; }

protected:
    int sourceLayers() const override;
    int sourceHeads() const override;
    bool sourceHasHead(int layer, int head) const override;
    bool sourceMasked(int layer, int head) const override;
    void sourceSetHeadMasked(int layer, int head, bool masked) override;
    void sourceSetLayerMasked(int layer, bool masked) override;

private:
    TranslationController* m_controller;
    core::AttentionType m_type;
};

} // namespace headscope::ui
