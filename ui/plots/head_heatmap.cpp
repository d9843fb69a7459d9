#include "plots/head_heatmap.h"

#include "models/head_table_model.h"
#include "plots/heatmap_overlay.h"
#include "plots/qcp.h"

#include <QMenu>
#include <QTimer>
#include <QToolTip>
#include <cmath>
#include <limits>

namespace headscope::ui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Tick labels of value x factor, so that a scale of fractions can read in percentage points.
class ScaledTicker : public QCPAxisTicker
{
public:
    double factor = 1.0;

protected:
    QString getTickLabel(double tick, const QLocale& locale, QChar formatChar, int precision) override
    {
        return QCPAxisTicker::getTickLabel(tick * factor, locale, formatChar, precision);
    }
};

QCPColorGradient sequentialGradient()
{
    // Viridis stops: perceptually even and readable in grey and by colour-blind readers.
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.00, QColor(0x44, 0x01, 0x54));
    g.setColorStopAt(0.25, QColor(0x3b, 0x52, 0x8b));
    g.setColorStopAt(0.50, QColor(0x21, 0x91, 0x8c));
    g.setColorStopAt(0.75, QColor(0x5e, 0xc9, 0x62));
    g.setColorStopAt(1.00, QColor(0xfd, 0xe7, 0x25));
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

QCPColorGradient divergingGradient()
{
    // Red: the metric drops without the head (it matters); blue: it rises.
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.00, QColor(0xb2, 0x18, 0x2b));
    g.setColorStopAt(0.25, QColor(0xef, 0x8a, 0x62));
    g.setColorStopAt(0.50, QColor(0xf7, 0xf7, 0xf7));
    g.setColorStopAt(0.75, QColor(0x67, 0xa9, 0xcf));
    g.setColorStopAt(1.00, QColor(0x21, 0x66, 0xac));
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

} // namespace

HeadHeatmap::HeadHeatmap(QWidget* parent) : PlotWidget(parent)
{
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("head"));
    p->yAxis->setLabel(tr("layer"));
    p->yAxis->setRangeReversed(true); // layer 0 on top, as in the head grid
    for (QCPAxis* axis : {p->xAxis, p->yAxis}) {
        QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
        ticker->setTickStep(1.0);
        ticker->setScaleStrategy(QCPAxisTickerFixed::ssNone); // every head and layer gets its number
        axis->setTicker(ticker);
        axis->setSubTicks(false);
        axis->grid()->setVisible(false);
    }
    m_map = new QCPColorMap(p->xAxis, p->yAxis);
    m_map->setInterpolate(false);
    m_map->setTightBoundary(false);
    m_colorScale = new QCPColorScale(p);
    m_colorScale->setType(QCPAxis::atRight);
    m_colorScale->setBarWidth(14);
    m_colorScale->axis()->setTicker(QSharedPointer<ScaledTicker>(new ScaledTicker));
    p->plotLayout()->addElement(0, 1, m_colorScale);
    m_map->setColorScale(m_colorScale);
    styleAxis(m_colorScale->axis());
    auto* margins = new QCPMarginGroup(p);
    p->axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_colorScale->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
    m_overlay = new HeatmapOverlay(p, p->xAxis, p->yAxis);
    setExportName(QStringLiteral("heads-heatmap"));
    setScale(Scale::Sequential);

    connect(p, &QCustomPlot::mouseMove, this, &HeadHeatmap::onMouseMove);
    connect(p, &QCustomPlot::mousePress, this, &HeadHeatmap::onMousePress);
    canvas()->installEventFilter(this);
    rebuild();
}

void HeadHeatmap::setModel(HeadTableModel* model)
{
    if (m_model) disconnect(m_model, nullptr, this, nullptr);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::dataChanged, this, &HeadHeatmap::scheduleRefresh);
        connect(model, &QAbstractItemModel::modelReset, this, &HeadHeatmap::scheduleRefresh);
        connect(model, &QObject::destroyed, this, [this]() { m_model = nullptr; });
    }
    refresh();
}

void HeadHeatmap::setValueLabel(const QString& label)
{
    m_valueLabel = label;
    m_colorScale->axis()->setLabel(m_empty ? tr("%1: not computed yet").arg(label) : label);
    replot();
}

QString HeadHeatmap::colorScaleLabel() const
{
    return m_colorScale->axis()->label();
}

void HeadHeatmap::colorRange(double* lo, double* hi) const
{
    const QCPRange r = m_colorScale->dataRange();
    *lo = r.lower;
    *hi = r.upper;
}

void HeadHeatmap::setScale(Scale scale)
{
    m_scale = scale;
    m_map->setGradient(scale == Scale::Diverging ? divergingGradient() : sequentialGradient());
    scheduleRefresh();
}

void HeadHeatmap::setValueFormatter(std::function<QString(double)> formatter)
{
    m_formatter = std::move(formatter);
    scheduleRefresh();
}

void HeadHeatmap::setDisplayFactor(double factor)
{
    // The ticks are chosen on the raw range; with factor 100 "0.004" becomes "0.4".
    if (auto ticker = m_colorScale->axis()->ticker().dynamicCast<ScaledTicker>()) ticker->factor = factor;
    replot();
}

void HeadHeatmap::setSignificanceLevel(double alpha)
{
    m_alpha = alpha;
    scheduleRefresh();
}

QString HeadHeatmap::formatValue(double v) const
{
    if (!std::isfinite(v)) return QString();
    return m_formatter ? m_formatter(v) : QString::number(v, 'g', 3);
}

void HeadHeatmap::scheduleRefresh()
{
    if (m_refreshPending) return;
    m_refreshPending = true;
    QTimer::singleShot(0, this, [this]() {
        if (m_refreshPending) rebuild();
    });
}

void HeadHeatmap::refresh()
{
    rebuild();
    replotNow();
}

void HeadHeatmap::rebuild()
{
    m_refreshPending = false;
    const int nL = m_model ? m_model->rowCount() : 0;
    const int nH = m_model ? m_model->columnCount() : 0;
    m_nLayers = nL;
    m_nHeads = nH;
    m_values.assign(size_t(nL * nH), kNaN);
    m_marked.assign(size_t(nL * nH), 0);
    std::vector<HeatmapOverlay::Cell> cells(size_t(nL * nH));
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int l = 0; l < nL; ++l) {
        for (int h = 0; h < nH; ++h) {
            const QModelIndex index = m_model->index(l, h);
            const size_t i = size_t(l * nH + h);
            HeatmapOverlay::Cell& cell = cells[i];
            cell.pruned = index.data(HeadTableModel::PrunedRole).toBool();
            cell.masked = index.data(HeadTableModel::MaskedRole).toBool();
            const double v = cell.pruned ? kNaN : index.data(HeadTableModel::ScoreRole).toDouble();
            const double p = index.data(HeadTableModel::PValueRole).toDouble();
            m_values[i] = v;
            m_marked[i] = m_alpha > 0 && std::isfinite(v) && std::isfinite(p) && p < m_alpha ? 1 : 0;
            cell.marked = m_marked[i] != 0;
            cell.text = formatValue(v);
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    }

    // Nothing computed: a neutral scale (a diverging one centred on zero, its middle colour
    // white), never one that paints "0" as the worst value.
    QCPRange range = m_scale == Scale::Diverging ? QCPRange(-0.01, 0.01) : QCPRange(0.0, 1.0);
    const bool empty = !(lo <= hi);
    if (empty != m_empty) {
        m_empty = empty;
        setValueLabel(m_valueLabel);
    }
    if (lo <= hi) {
        if (m_scale == Scale::Diverging) {
            double m = std::max(std::abs(lo), std::abs(hi));
            if (m <= 0) m = 1e-3;
            range = QCPRange(-m, m);
        } else {
            range = lo < hi ? QCPRange(lo, hi) : QCPRange(lo - 0.5, hi + 0.5);
        }
    }

    // A single row or column needs two data cells to get a width; both hold the same value.
    const int keySize = std::max(nH, 1) == 1 ? 2 : nH;
    const int valueSize = std::max(nL, 1) == 1 ? 2 : nL;
    auto* data = m_map->data();
    data->setSize(keySize, valueSize);
    data->setRange(nH <= 1 ? QCPRange(-0.25, 0.25) : QCPRange(0, nH - 1),
                   nL <= 1 ? QCPRange(-0.25, 0.25) : QCPRange(0, nL - 1));
    for (int x = 0; x < keySize; ++x)
        for (int y = 0; y < valueSize; ++y) {
            const int h = nH <= 1 ? 0 : x, l = nL <= 1 ? 0 : y;
            data->setCell(x, y, h < nH && l < nL ? m_values[size_t(l * nH + h)] : kNaN);
        }
    m_colorScale->setDataRange(range);
    m_map->setDataRange(range);
    QCPColorGradient gradient = m_map->gradient(); // color() fills a cache: not const
    for (size_t i = 0; i < cells.size(); ++i)
        if (std::isfinite(m_values[i])) cells[i].fill = gradient.color(m_values[i], range);
    m_overlay->setCells(nL, nH, std::move(cells));

    QCustomPlot* p = plot();
    p->xAxis->setRange(-0.5, std::max(nH, 1) - 0.5);
    p->yAxis->setRange(-0.5, std::max(nL, 1) - 0.5);
    if (m_overlay->hoveredLayer() >= nL || m_overlay->hoveredHead() >= nH) m_overlay->setHovered(-1, -1);
    replot();
}

double HeadHeatmap::cellValue(int layer, int head) const
{
    if (layer < 0 || head < 0 || layer >= m_nLayers || head >= m_nHeads) return kNaN;
    const int x = m_nHeads <= 1 ? 0 : head, y = m_nLayers <= 1 ? 0 : layer;
    return m_map->data()->cell(x, y);
}

bool HeadHeatmap::isMarked(int layer, int head) const
{
    if (layer < 0 || head < 0 || layer >= m_nLayers || head >= m_nHeads) return false;
    return m_marked[size_t(layer * m_nHeads + head)] != 0;
}

QPoint HeadHeatmap::cellCenter(int layer, int head) const
{
    return QPointF(plot()->xAxis->coordToPixel(head), plot()->yAxis->coordToPixel(layer)).toPoint();
}

bool HeadHeatmap::cellAt(const QPoint& pos, int* layer, int* head) const
{
    if (!plot()->axisRect()->rect().contains(pos) || m_nLayers == 0 || m_nHeads == 0) return false;
    const int h = int(std::floor(plot()->xAxis->pixelToCoord(pos.x()) + 0.5));
    const int l = int(std::floor(plot()->yAxis->pixelToCoord(pos.y()) + 0.5));
    if (l < 0 || h < 0 || l >= m_nLayers || h >= m_nHeads) return false;
    *layer = l;
    *head = h;
    return true;
}

bool HeadHeatmap::layerLabelAt(const QPoint& pos, int* layer) const
{
    const QRect rect = plot()->axisRect()->rect();
    if (pos.x() >= rect.left() || pos.y() < rect.top() || pos.y() > rect.bottom() || m_nLayers == 0) return false;
    const int l = int(std::floor(plot()->yAxis->pixelToCoord(pos.y()) + 0.5));
    if (l < 0 || l >= m_nLayers) return false;
    *layer = l;
    return true;
}

QPoint HeadHeatmap::layerLabelCenter(int layer) const
{
    const QRect rect = plot()->axisRect()->rect();
    return QPoint(std::max(rect.left() - 12, 1), int(plot()->yAxis->coordToPixel(layer)));
}

QString HeadHeatmap::toolTipFor(int layer, int head) const
{
    if (!m_model || layer < 0 || head < 0 || layer >= m_nLayers || head >= m_nHeads) return QString();
    const QModelIndex index = m_model->index(layer, head);
    QStringList lines{tr("Layer %1, head %2").arg(layer).arg(head)};
    if (index.data(HeadTableModel::PrunedRole).toBool()) {
        lines << tr("Pruned: absent from the weights");
        return lines.join(QLatin1Char('\n'));
    }
    const double v = m_values[size_t(layer * m_nHeads + head)];
    const QString what = m_valueLabel.isEmpty() ? tr("value") : m_valueLabel;
    lines << (std::isfinite(v) ? tr("%1: %2").arg(what, formatValue(v))
                               : tr("%1: not computed yet").arg(what));
    const double p = index.data(HeadTableModel::PValueRole).toDouble();
    if (std::isfinite(p))
        lines << (m_alpha > 0 && p < m_alpha
                      ? tr("p-value: %1 (significant, p < %2)").arg(p, 0, 'g', 3).arg(m_alpha)
                      : tr("p-value: %1").arg(p, 0, 'g', 3));
    const int rank = index.data(HeadTableModel::RankRole).toInt();
    if (rank > 0) {
        int ranked = 0;
        for (double value : m_values)
            ranked += std::isfinite(value) ? 1 : 0;
        lines << tr("Rank %1 of %2 (1 = highest value)").arg(rank).arg(ranked);
    }
    lines << (index.data(HeadTableModel::MaskedRole).toBool() ? tr("Masked: click to keep it")
                                                              : tr("Kept: click to mask it"));
    return lines.join(QLatin1Char('\n'));
}

void HeadHeatmap::onMouseMove(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    int l = -1, h = -1;
    if (!cellAt(pos, &l, &h)) {
        setHovered(-1, -1);
        QToolTip::hideText();
        return;
    }
    setHovered(l, h);
    QToolTip::showText(canvas()->mapToGlobal(pos), toolTipFor(l, h), canvas(),
                       m_overlay->cellRect(l, h).toAlignedRect());
}

void HeadHeatmap::onMousePress(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) return;
    int l = -1, h = -1;
    if (cellAt(event->position().toPoint(), &l, &h))
        emit cellClicked(l, h);
    else if (layerLabelAt(event->position().toPoint(), &l))
        emit layerLabelClicked(l, event->modifiers());
}

void HeadHeatmap::setHovered(int layer, int head)
{
    if (layer == m_overlay->hoveredLayer() && head == m_overlay->hoveredHead()) return;
    m_overlay->setHovered(layer, head);
    emit hoveredCellChanged(layer, head);
    replot();
}

bool HeadHeatmap::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == canvas() && event->type() == QEvent::Leave) setHovered(-1, -1);
    return PlotWidget::eventFilter(watched, event);
}

void HeadHeatmap::addContextActions(QMenu* menu, const QPoint& pos)
{
    int l = -1, h = -1;
    if (!m_model || !cellAt(pos, &l, &h) || m_model->isPruned(l, h)) return;
    const bool masked = m_model->isMasked(l, h);
    menu->addAction(masked ? tr("Keep Layer %1, Head %2").arg(l).arg(h)
                           : tr("Mask Layer %1, Head %2").arg(l).arg(h),
                    this, [this, l, h]() { emit cellClicked(l, h); });
    if (m_attentionAction)
        menu->addAction(tr("Show Its Attention…"), this, [this, l, h]() { emit attentionRequested(l, h); });
}

} // namespace headscope::ui
