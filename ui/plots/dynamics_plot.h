#pragma once
// The paper's Figure 5 shape: accuracy relative to the unpruned model vs the share of heads
// pruned, one line per training checkpoint (light = early, dark = late).
#include "jobs/analysis_results.h"
#include "plots/plot_widget.h"

namespace headscope::ui {

class DynamicsPlot : public PlotWidget
{
    Q_OBJECT
public:
    explicit DynamicsPlot(QWidget* parent = nullptr);

    void setResults(const DynamicsResults& results);
    /// Draws this checkpoint's line thicker (the one the slider shows); -1 for none.
    void setHighlighted(int checkpoint);
    /// Number of lines drawn (checkpoints with a curve).
    int lineCount() const { return m_lines; }

private:
    void rebuild();

    DynamicsResults m_results;
    int m_highlighted = -1;
    int m_lines = 0;
};

} // namespace headscope::ui
