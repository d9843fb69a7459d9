#pragma once
// Pruning curves: metric vs percent of heads pruned, one line per order with its 95% interval
// as a band, and the unpruned baseline dashed. Clicking a point emits pointClicked; the page
// applies that step's mask. From the keyboard: Left/Right choose a point, Up/Down a curve,
// Enter or Space applies it.
#include "jobs/analysis_results.h"
#include "plots/plot_widget.h"

namespace headscope::ui {

class CurvePlot : public PlotWidget
{
    Q_OBJECT
public:
    explicit CurvePlot(QWidget* parent = nullptr);

    void setResults(const CurveResults& results);
    const CurveResults& results() const { return m_results; }
    /// Rings one point (series -1: none).
    void setSelectedPoint(int series, int point);
    /// A point's position in canvas() coordinates.
    QPoint pointPosition(int series, int point) const;
    /// The point nearest to pos within maxDistance pixels; false when none.
    bool pointAt(const QPoint& pos, int* series, int* point, double maxDistance = 12.0) const;

    /// The line colour of an order (the page's legend and table use it too).
    static QColor orderColor(core::PruneOrder order);
    static QString orderName(core::PruneOrder order);

signals:
    void pointClicked(int series, int point);

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    void rebuild();
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);
    QString pointText(int series, int point) const;
    const std::vector<core::PruneCurveResult>& curves() const;

    CurveResults m_results;
    int m_selectedSeries = -1;
    int m_selectedPoint = -1;
};

} // namespace headscope::ui
