#include "plots/attention_plot.h"

#include "plots/qcp.h"

#include <QLayout>
#include <QToolTip>
#include <cmath>
#include <limits>

namespace headscope::ui {

AttentionPlot::AttentionPlot(QWidget* parent) : PlotWidget(parent)
{
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("attends to (key)"));
    p->yAxis->setLabel(tr("token (query)"));
    p->yAxis->setRangeReversed(true); // first token on top, as the sentence reads
    p->xAxis->setTickLabelRotation(60);
    for (QCPAxis* axis : {p->xAxis, p->yAxis}) {
        axis->setSubTicks(false);
        axis->grid()->setVisible(false);
        axis->setTicker(QSharedPointer<QCPAxisTickerText>(new QCPAxisTickerText));
    }
    m_map = new QCPColorMap(p->xAxis, p->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_colorScale = new QCPColorScale(p);
    m_colorScale->setType(QCPAxis::atRight);
    m_colorScale->setBarWidth(12);
    m_colorScale->axis()->setLabel(tr("attention weight"));
    styleAxis(m_colorScale->axis());
    p->plotLayout()->addElement(0, 1, m_colorScale);
    m_map->setColorScale(m_colorScale);
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, QColor(0xff, 0xff, 0xff));
    g.setColorStopAt(0.35, QColor(0x9e, 0xca, 0xe1));
    g.setColorStopAt(0.7, QColor(0x31, 0x82, 0xbd));
    g.setColorStopAt(1.0, QColor(0x08, 0x30, 0x6b));
    m_map->setGradient(g);
    auto* margins = new QCPMarginGroup(p);
    p->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_colorScale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    setExportName(QStringLiteral("attention"));
    connect(p, &QCustomPlot::mouseMove, this, &AttentionPlot::onMouseMove);
    setAttention({}, {});
}

void AttentionPlot::setAttention(const QStringList& tokens, const std::vector<std::vector<float>>& weights)
{
    m_tokens = tokens;
    m_weights = weights;
    QCustomPlot* p = plot();
    const int n = tokens.size();
    QSharedPointer<QCPAxisTickerText> xTicks(new QCPAxisTickerText), yTicks(new QCPAxisTickerText);
    for (int i = 0; i < n; ++i) {
        xTicks->addTick(i, tokens[i]);
        yTicks->addTick(i, tokens[i]);
    }
    p->xAxis->setTicker(xTicks);
    p->yAxis->setTicker(yTicks);
    // Smaller labels for long sentences, so that every token keeps its tick.
    QFont tickFont = font();
    tickFont.setPointSizeF(n > 40 ? 6.5 : n > 24 ? 7.5 : font().pointSizeF());
    p->xAxis->setTickLabelFont(tickFont);
    p->xAxis->setTickLabelRotation(n > 16 ? 90 : 60); // upright labels need no room to the side
    p->yAxis->setTickLabelFont(tickFont);

    // Two data cells at least, so that a one-token input still has a width.
    const int size = std::max(n, 2);
    m_map->data()->setSize(size, size);
    m_map->data()->setRange(n <= 1 ? QCPRange(-0.25, 0.25) : QCPRange(0, n - 1),
                            n <= 1 ? QCPRange(-0.25, 0.25) : QCPRange(0, n - 1));
    double top = 0.0;
    for (int x = 0; x < size; ++x)
        for (int y = 0; y < size; ++y) {
            const int key = n <= 1 ? 0 : x, query = n <= 1 ? 0 : y;
            const double w = weightAt(query, key);
            m_map->data()->setCell(x, y, std::isfinite(w) ? w : 0.0);
            if (std::isfinite(w)) top = std::max(top, w);
        }
    m_colorScale->setDataRange(QCPRange(0.0, top > 0 ? top : 1.0));
    p->xAxis->setRange(-0.5, std::max(n, 1) - 0.5);
    p->yAxis->setRange(-0.5, std::max(n, 1) - 0.5);
    replot();
}

void AttentionPlot::resizeEvent(QResizeEvent* event)
{
    // Square cells read best: about as wide as tall once the token labels (left, below) and
    // the colour scale (right) have their room.
    const int wanted = std::clamp(height() + 60, 320, std::max(320, width()));
    const int side = std::max(0, (width() - wanted) / 2);
    layout()->setContentsMargins(side, 0, side, 0);
    PlotWidget::resizeEvent(event);
}

double AttentionPlot::weightAt(int query, int key) const
{
    if (query < 0 || key < 0 || size_t(query) >= m_weights.size() ||
        size_t(key) >= m_weights[size_t(query)].size())
        return std::numeric_limits<double>::quiet_NaN();
    return m_weights[size_t(query)][size_t(key)];
}

QStringList AttentionPlot::axisLabels(int axis) const
{
    auto ticker = (axis == 0 ? plot()->xAxis : plot()->yAxis)->ticker().dynamicCast<QCPAxisTickerText>();
    return ticker ? QStringList(ticker->ticks().values()) : QStringList();
}

void AttentionPlot::onMouseMove(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    if (!plot()->axisRect()->rect().contains(pos) || m_tokens.isEmpty()) {
        QToolTip::hideText();
        return;
    }
    const int key = int(std::floor(plot()->xAxis->pixelToCoord(pos.x()) + 0.5));
    const int query = int(std::floor(plot()->yAxis->pixelToCoord(pos.y()) + 0.5));
    const double w = weightAt(query, key);
    if (!std::isfinite(w)) {
        QToolTip::hideText();
        return;
    }
    QToolTip::showText(canvas()->mapToGlobal(pos),
                       tr("\"%1\" (position %2) attends to \"%3\" (position %4)\nweight %5")
                           .arg(m_tokens[query])
                           .arg(query)
                           .arg(m_tokens[key])
                           .arg(key)
                           .arg(w, 0, 'f', 3),
                       canvas());
}

} // namespace headscope::ui
