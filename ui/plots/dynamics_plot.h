#pragma once
// The paper's Figure 5 shape: the score relative to the unpruned model vs the share of heads
// pruned, one line per training checkpoint (light = early, dark = late). Classifier series
// plot accuracy; translation series BLEU, one attention-type scope at a time.
#include "jobs/analysis_results.h"
#include "plots/plot_widget.h"

#include <vector>

namespace headscope::ui {

class DynamicsPlot : public PlotWidget
{
    Q_OBJECT
public:
    /// One checkpoint's line: percent of heads pruned -> percent of its unpruned score.
    struct Line
    {
        QString name; // the legend entry
        QVector<double> percent;
        QVector<double> relative;
    };

    explicit DynamicsPlot(QWidget* parent = nullptr);

    void setResults(const DynamicsResults& results);
    /// A translation series: the curve of `scope` of every checkpoint (those without it skipped).
    void setResults(const TranslationDynamicsResults& results, core::PruneScope scope);
    /// Draws this checkpoint's line thicker (the one the slider shows); -1 for none.
    void setHighlighted(int checkpoint);
    /// Number of lines drawn (checkpoints with a curve).
    int lineCount() const { return m_drawn; }

private:
    void setLines(std::vector<Line> lines, const QString& yLabel);
    void rebuild();

    std::vector<Line> m_lines; // one per checkpoint, in training order; empty ones are skipped
    int m_highlighted = -1;
    int m_drawn = 0;
};

} // namespace headscope::ui
