#pragma once
// One head's attention matrix for one example: queries down, keys across, each labelled with
// its token. Hovering a cell shows the weight.
#include "plots/plot_widget.h"

#include <QStringList>
#include <vector>

class QCPColorMap;
class QCPColorScale;

namespace headscope::ui {

class AttentionPlot : public PlotWidget
{
    Q_OBJECT
public:
    explicit AttentionPlot(QWidget* parent = nullptr);

    /// weights[query][key]; an empty token list clears the plot.
    void setAttention(const QStringList& tokens, const std::vector<std::vector<float>>& weights);
    /// The weight shown at (query, key), NaN outside.
    double weightAt(int query, int key) const;
    /// Tick labels of an axis, for tests: 0 = keys (x), 1 = queries (y).
    QStringList axisLabels(int axis) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void onMouseMove(QMouseEvent* event);

    QStringList m_tokens;
    std::vector<std::vector<float>> m_weights;
    QCPColorMap* m_map;
    QCPColorScale* m_colorScale;
};

} // namespace headscope::ui
