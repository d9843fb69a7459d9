#pragma once
// A layers x heads heatmap of the HeadTableModel's current score set, with a colour scale.
// Masked heads are hatched and crossed, pruned heads blank, cells whose p-value is below the
// significance level get a dot. Hover shows value, p-value and rank; a click emits cellClicked
// (the page toggles the mask through the model, the one source of truth). Changes of the
// model are drawn on the next event-loop turn, several at once.
#include "plots/plot_widget.h"

#include <functional>
#include <vector>

class QCPColorMap;
class QCPColorScale;

namespace headscope::ui {

class HeadTableModel;
class HeatmapOverlay;

class HeadHeatmap : public PlotWidget
{
    Q_OBJECT
public:
    enum class Scale
    {
        Sequential, // low to high, for importance and entropy
        Diverging,  // centred on zero, for metric deltas
    };

    explicit HeadHeatmap(QWidget* parent = nullptr);

    void setModel(HeadTableModel* model);
    HeadTableModel* model() const { return m_model; }

    /// What the colours mean; shown on the colour scale and in tooltips.
    void setValueLabel(const QString& label);
    QString valueLabel() const { return m_valueLabel; }
    /// The colour scale's title as drawn (says "not computed yet" while there are no values).
    QString colorScaleLabel() const;
    /// The values the colour scale spans (before the display factor).
    void colorRange(double* lo, double* hi) const;
    void setScale(Scale scale);
    /// How a value is written in its cell and tooltip.
    void setValueFormatter(std::function<QString(double)> formatter);
    /// The colour scale's labels show value x factor (100: fractions read as points).
    void setDisplayFactor(double factor);
    /// Cells with p-value < alpha get a dot; 0 turns the marks off.
    void setSignificanceLevel(double alpha);

    /// The value the colour map holds for a cell (NaN: none).
    double cellValue(int layer, int head) const;
    /// True when the cell carries a significance mark.
    bool isMarked(int layer, int head) const;
    /// Centre of a cell in canvas() coordinates.
    QPoint cellCenter(int layer, int head) const;
    /// The cell at a canvas() position; false outside the map.
    bool cellAt(const QPoint& pos, int* layer, int* head) const;
    /// The layer whose label (left of the map) is at a canvas() position; false elsewhere.
    bool layerLabelAt(const QPoint& pos, int* layer) const;
    /// Centre of a layer's label in canvas() coordinates.
    QPoint layerLabelCenter(int layer) const;
    /// Whether the context menu offers "Show Its Attention…" (pages without it turn it off).
    void setAttentionActionVisible(bool visible) { m_attentionAction = visible; }
    /// Tooltip text of a cell: position, value, p-value, rank, mask state.
    QString toolTipFor(int layer, int head) const;
    /// Reads the model now (normally done once per event-loop turn after changes).
    void refresh();

signals:
    void cellClicked(int layer, int head);
    /// A click on a layer's label; the page masks the layer on shift-click.
    void layerLabelClicked(int layer, Qt::KeyboardModifiers modifiers);
    void attentionRequested(int layer, int head);
    void hoveredCellChanged(int layer, int head);

protected:
    void addContextActions(QMenu* menu, const QPoint& pos) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void scheduleRefresh();
    void rebuild();
    void onMouseMove(QMouseEvent* event);
    void onMousePress(QMouseEvent* event);
    void setHovered(int layer, int head);
    QString formatValue(double v) const;

    HeadTableModel* m_model = nullptr;
    QCPColorMap* m_map;
    QCPColorScale* m_colorScale;
    HeatmapOverlay* m_overlay;
    QString m_valueLabel;
    Scale m_scale = Scale::Sequential;
    std::function<QString(double)> m_formatter;
    double m_alpha = 0.01;
    int m_nLayers = 0;
    int m_nHeads = 0;
    std::vector<double> m_values; // [layer * nHeads + head]
    std::vector<uint8_t> m_marked;
    bool m_refreshPending = false;
    bool m_empty = false; // no finite value: the scale is neutral and says so
    bool m_attentionAction = true;
};

} // namespace headscope::ui
