#pragma once
// Draws on top of a head heatmap what colour cannot say: cell borders, masked heads hatched
// and crossed, pruned heads blank with a dashed outline, significance dots, the values as
// text and the hovered cell. One item for all cells, so a 12 x 12 map is one paint call.
#include "plots/qcp.h"

#include <QColor>
#include <QString>
#include <vector>

namespace headscope::ui {

class HeatmapOverlay : public QCPAbstractItem
{
public:
    struct Cell
    {
        bool masked = false;
        bool pruned = false;
        bool marked = false; // significant
        QString text;        // value as shown in the cell (empty: none)
        QColor fill;         // the colour map's colour, to pick a readable ink
    };

    HeatmapOverlay(QCustomPlot* plot, QCPAxis* keyAxis, QCPAxis* valueAxis);

    /// Cells row-major [layer][head].
    void setCells(int nLayers, int nHeads, std::vector<Cell> cells);
    void setHovered(int layer, int head);
    int hoveredLayer() const { return m_hoverLayer; }
    int hoveredHead() const { return m_hoverHead; }
    /// Pixel rectangle of a cell.
    QRectF cellRect(int layer, int head) const;

    double selectTest(const QPointF& pos, bool onlySelectable, QVariant* details = nullptr) const override;

protected:
    void draw(QCPPainter* painter) override;

private:
    QCPAxis* m_keyAxis;
    QCPAxis* m_valueAxis;
    int m_nLayers = 0;
    int m_nHeads = 0;
    std::vector<Cell> m_cells;
    int m_hoverLayer = -1;
    int m_hoverHead = -1;
};

} // namespace headscope::ui
