#include "plots/heatmap_overlay.h"

namespace headscope::ui {

namespace {
const QColor kBorder(0xff, 0xff, 0xff);
const QColor kHatch(0x55, 0x55, 0x55);
const QColor kMaskedWash(255, 255, 255, 150);
const QColor kPrunedInk(0x80, 0x80, 0x80);
const QColor kHover(0xf5, 0x9e, 0x0b);

bool isDark(const QColor& c)
{
    // Relative luminance, roughly: white ink on dark fills.
    return c.isValid() && (0.299 * c.redF() + 0.587 * c.greenF() + 0.114 * c.blueF()) < 0.55;
}
} // namespace

HeatmapOverlay::HeatmapOverlay(QCustomPlot* plot, QCPAxis* keyAxis, QCPAxis* valueAxis)
    : QCPAbstractItem(plot), m_keyAxis(keyAxis), m_valueAxis(valueAxis)
{
    setSelectable(false);
}

void HeatmapOverlay::setCells(int nLayers, int nHeads, std::vector<Cell> cells)
{
    m_nLayers = nLayers;
    m_nHeads = nHeads;
    m_cells = std::move(cells);
}

void HeatmapOverlay::setHovered(int layer, int head)
{
    m_hoverLayer = layer;
    m_hoverHead = head;
}

QRectF HeatmapOverlay::cellRect(int layer, int head) const
{
    const double x0 = m_keyAxis->coordToPixel(head - 0.5), x1 = m_keyAxis->coordToPixel(head + 0.5);
    const double y0 = m_valueAxis->coordToPixel(layer - 0.5), y1 = m_valueAxis->coordToPixel(layer + 0.5);
    return QRectF(QPointF(x0, y0), QPointF(x1, y1)).normalized();
}

double HeatmapOverlay::selectTest(const QPointF&, bool, QVariant*) const
{
    return -1; // decoration only: clicks go to the plot
}

void HeatmapOverlay::draw(QCPPainter* painter)
{
    if (m_cells.size() != size_t(m_nLayers) * size_t(m_nHeads)) return;
    painter->save();
    QFont font = painter->font();
    const QRectF probe = cellRect(0, 0);
    const bool showText = probe.width() >= 38 && probe.height() >= 18;
    font.setPointSizeF(std::clamp(probe.height() / 4.2, 7.0, 10.0));
    painter->setFont(font);

    for (int l = 0; l < m_nLayers; ++l) {
        for (int h = 0; h < m_nHeads; ++h) {
            const Cell& c = m_cells[size_t(l * m_nHeads + h)];
            const QRectF r = cellRect(l, h);
            if (c.pruned) {
                painter->setPen(Qt::NoPen);
                painter->setBrush(Qt::white);
                painter->drawRect(r);
                painter->setPen(QPen(kPrunedInk, 1, Qt::DashLine));
                painter->setBrush(Qt::NoBrush);
                painter->drawRect(r.adjusted(3, 3, -3, -3));
                if (showText) {
                    QFont italic = font;
                    italic.setItalic(true);
                    painter->setFont(italic);
                    painter->drawText(r, Qt::AlignCenter, QObject::tr("pruned"));
                    painter->setFont(font);
                }
            } else if (c.masked) {
                // Washed out, hatched and crossed: "off" without relying on colour.
                painter->setPen(Qt::NoPen);
                painter->setBrush(kMaskedWash);
                painter->drawRect(r);
                painter->setBrush(QBrush(kHatch, Qt::BDiagPattern));
                painter->drawRect(r);
                painter->setPen(QPen(kHatch, 1.4));
                painter->drawLine(r.topLeft() + QPointF(3, 3), r.bottomRight() - QPointF(3, 3));
                painter->drawLine(r.topRight() + QPointF(-3, 3), r.bottomLeft() + QPointF(3, -3));
            }
            if (showText && !c.pruned && !c.text.isEmpty()) {
                QRectF plate = QRectF(painter->fontMetrics().boundingRect(c.text)).adjusted(-3, 0, 3, 0);
                plate.moveCenter(r.center());
                if (c.masked) {
                    painter->setPen(Qt::NoPen);
                    painter->setBrush(QColor(255, 255, 255, 220));
                    painter->drawRoundedRect(plate, 2, 2);
                }
                painter->setPen(c.masked ? kHatch : isDark(c.fill) ? Qt::white : QColor(0x20, 0x20, 0x20));
                painter->drawText(r, Qt::AlignCenter, c.text);
            }
            if (c.marked && !c.pruned) {
                // A dot with a ring reads on light and dark fills alike.
                const double radius = std::clamp(std::min(r.width(), r.height()) * 0.09, 2.5, 5.0);
                const QPointF centre(r.right() - radius - 4, r.top() + radius + 4);
                painter->setPen(QPen(Qt::white, 1.5));
                painter->setBrush(QColor(0x11, 0x11, 0x11));
                painter->drawEllipse(centre, radius, radius);
            }
            painter->setPen(QPen(kBorder, 1.5));
            painter->setBrush(Qt::NoBrush);
            painter->drawRect(r);
        }
    }
    if (m_hoverLayer >= 0 && m_hoverHead >= 0 && m_hoverLayer < m_nLayers && m_hoverHead < m_nHeads) {
        painter->setPen(QPen(kHover, 2.5));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(cellRect(m_hoverLayer, m_hoverHead).adjusted(1.5, 1.5, -1.5, -1.5));
    }
    painter->restore();
}

} // namespace headscope::ui
