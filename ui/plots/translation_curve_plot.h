#pragma once
// Figure 4 of the paper for a translation model: BLEU against the share of heads pruned, one
// line per attention type (Enc-Enc, Enc-Dec, Dec-Dec) and one for all heads together, with the
// unpruned BLEU dashed. Points are drawn as they arrive.
#include "jobs/analysis_results.h"
#include "plots/plot_widget.h"

namespace headscope::ui {

class TranslationCurvePlot : public PlotWidget
{
    Q_OBJECT
public:
    explicit TranslationCurvePlot(QWidget* parent = nullptr);

    void setResults(const TranslationCurveResults& results);
    const TranslationCurveResults& results() const { return m_results; }
    /// Lines drawn (one per curve that has points).
    int lineCount() const { return m_lineCount; }

    static QColor scopeColor(core::PruneScope scope);
    /// "Enc-Enc", "Enc-Dec", "Dec-Dec", "All", as in the paper's legend.
    static QString scopeName(core::PruneScope scope);

private:
    void rebuild();

    TranslationCurveResults m_results;
    int m_lineCount = 0;
};

} // namespace headscope::ui
