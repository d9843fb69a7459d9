#include "plots/curve_plot.h"

#include "util/formatting.h"
#include "plots/qcp.h"

#include <QKeyEvent>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace headscope::ui {

CurvePlot::CurvePlot(QWidget* parent) : PlotWidget(parent)
{
    QCustomPlot* p = plot();
    setUpPruningAxes(tr("heads pruned (%)"), tr("accuracy (%)"));
    p->yAxis->setRange(40, 100);
    p->legend->setVisible(true);
    setExportName(QStringLiteral("pruning-curves"));
    connect(p, &QCustomPlot::mouseMove, this, &CurvePlot::onMouseMove);
    connect(p, &QCustomPlot::mousePress, this, &CurvePlot::onMousePress);
    setFocusPolicy(Qt::StrongFocus);
    p->setFocusPolicy(Qt::NoFocus); // keys go to the plot widget, which knows the points
    rebuild();
}

QColor CurvePlot::orderColor(core::PruneOrder order)
{
    switch (order) {
    case core::PruneOrder::Importance:
        return QColor(0x1f, 0x6f, 0xb4);
    case core::PruneOrder::Ablation:
        return QColor(0xe0, 0x6c, 0x00);
    case core::PruneOrder::Random:
        return QColor(0x6d, 0x6d, 0x6d);
    }
    return Qt::black;
}

QString CurvePlot::orderName(core::PruneOrder order)
{
    switch (order) {
    case core::PruneOrder::Importance:
        return tr("by importance");
    case core::PruneOrder::Ablation:
        return tr("by ablation");
    case core::PruneOrder::Random:
        return tr("random order");
    }
    return {};
}

void CurvePlot::setResults(const CurveResults& results)
{
    if (results.generation != m_results.generation) m_selectedSeries = m_selectedPoint = -1;
    m_results = results;
    rebuild();
}

void CurvePlot::keyPressEvent(QKeyEvent* event)
{
    const auto& all = curves();
    auto pointsOf = [&all](int s) { return s >= 0 && size_t(s) < all.size() ? int(all[size_t(s)].points.size()) : 0; };
    int series = m_selectedSeries, point = m_selectedPoint;
    if (series < 0 || pointsOf(series) == 0) {
        series = 0;
        while (series < int(all.size()) && pointsOf(series) == 0)
            ++series;
        if (series >= int(all.size())) return PlotWidget::keyPressEvent(event);
        point = 0;
    } else {
        switch (event->key()) {
        case Qt::Key_Left:
            point = std::max(0, point - 1);
            break;
        case Qt::Key_Right:
            point = std::min(pointsOf(series) - 1, point + 1);
            break;
        case Qt::Key_Up:
        case Qt::Key_Down: {
            const int step = event->key() == Qt::Key_Down ? 1 : -1;
            for (int s = series + step; s >= 0 && s < int(all.size()); s += step)
                if (pointsOf(s) > 0) {
                    series = s;
                    point = std::min(point, pointsOf(s) - 1);
                    break;
                }
            break;
        }
        case Qt::Key_Return:
        case Qt::Key_Enter:
        case Qt::Key_Space:
            emit pointClicked(series, point);
            return;
        default:
            return PlotWidget::keyPressEvent(event);
        }
    }
    setSelectedPoint(series, point);
    setToolTip(pointText(series, point));
}

const std::vector<core::PruneCurveResult>& CurvePlot::curves() const
{
    static const std::vector<core::PruneCurveResult> none;
    return m_results.isValid() ? m_results->curves : none;
}

void CurvePlot::setSelectedPoint(int series, int point)
{
    m_selectedSeries = series;
    m_selectedPoint = point;
    rebuild();
}

void CurvePlot::rebuild()
{
    QCustomPlot* p = plot();
    p->clearGraphs();
    double lo = 100.0, hi = 0.0;
    for (const core::PruneCurveResult& s : curves()) {
        if (s.points.empty()) continue;
        const QColor colour = orderColor(s.order);
        QVector<double> x, y, low, high;
        for (const auto& point : s.points) {
            x << point.percent;
            y << 100.0 * point.accuracy;
            low << 100.0 * point.accuracyInterval.low;
            high << 100.0 * point.accuracyInterval.high;
            lo = std::min(lo, 100.0 * point.accuracyInterval.low);
            hi = std::max(hi, 100.0 * point.accuracyInterval.high);
        }
        // The band: the low graph fills up to the high one.
        QCPGraph* highGraph = p->addGraph();
        highGraph->setData(x, high, true);
        highGraph->setPen(Qt::NoPen);
        highGraph->removeFromLegend();
        QCPGraph* lowGraph = p->addGraph();
        lowGraph->setData(x, low, true);
        lowGraph->setPen(Qt::NoPen);
        QColor band = colour;
        band.setAlpha(20); // three bands overlap: keep each light
        lowGraph->setBrush(band);
        lowGraph->setChannelFillGraph(highGraph);
        lowGraph->removeFromLegend();

        QCPGraph* line = p->addGraph();
        line->setData(x, y, true);
        line->setPen(QPen(colour, 2.2));
        line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 7));
        line->setName(orderName(s.order) + (s.complete ? QString() : tr(" (running)")));
    }

    const double baseline = m_results.isValid() ? m_results->baselineAccuracy() : std::nan("");
    if (std::isfinite(baseline)) {
        QCPGraph* base = p->addGraph();
        base->setData(QVector<double>{0.0, 100.0}, QVector<double>{100.0 * baseline, 100.0 * baseline}, true);
        base->setPen(QPen(QColor(0x30, 0x30, 0x30), 1.4, Qt::DashLine));
        base->setName(tr("unpruned baseline (%1)").arg(format::percent(baseline, 1)));
        lo = std::min(lo, 100.0 * baseline);
        hi = std::max(hi, 100.0 * baseline);
    }

    if (m_selectedSeries >= 0 && size_t(m_selectedSeries) < curves().size() && m_selectedPoint >= 0 &&
        size_t(m_selectedPoint) < curves()[size_t(m_selectedSeries)].points.size()) {
        const auto& point = curves()[size_t(m_selectedSeries)].points[size_t(m_selectedPoint)];
        QCPGraph* ring = p->addGraph();
        ring->setData(QVector<double>{point.percent}, QVector<double>{100.0 * point.accuracy}, true);
        ring->setLineStyle(QCPGraph::lsNone);
        ring->setScatterStyle(
            QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(0xf5, 0x9e, 0x0b), 3), Qt::NoBrush, 17));
        ring->removeFromLegend();
    }

    if (lo > hi) {
        lo = 40;
        hi = 100;
    }
    const double pad = std::max(2.0, 0.06 * (hi - lo));
    p->yAxis->setRange(std::max(0.0, lo - pad), std::min(100.0, hi + pad) + (hi + pad > 100 ? 0.5 : 0.0));
    p->legend->setVisible(p->graphCount() > 0);
    replot();
}

QPoint CurvePlot::pointPosition(int series, int point) const
{
    if (series < 0 || size_t(series) >= curves().size() || point < 0 ||
        size_t(point) >= curves()[size_t(series)].points.size())
        return {};
    const auto& pt = curves()[size_t(series)].points[size_t(point)];
    return QPointF(plot()->xAxis->coordToPixel(pt.percent), plot()->yAxis->coordToPixel(100.0 * pt.accuracy))
        .toPoint();
}

bool CurvePlot::pointAt(const QPoint& pos, int* series, int* point, double maxDistance) const
{
    double best = maxDistance;
    bool found = false;
    for (size_t s = 0; s < curves().size(); ++s)
        for (size_t i = 0; i < curves()[s].points.size(); ++i) {
            const QPoint at = pointPosition(int(s), int(i));
            const double d = std::hypot(double(at.x() - pos.x()), double(at.y() - pos.y()));
            if (d <= best) {
                best = d;
                *series = int(s);
                *point = int(i);
                found = true;
            }
        }
    return found;
}

QString CurvePlot::pointText(int series, int point) const
{
    const core::PruneCurveResult& s = curves()[size_t(series)];
    const auto& pt = s.points[size_t(point)];
    return tr("%1: %2 % of heads pruned (%3 heads)\naccuracy %4 (95% interval %5 – %6)\n%7 parameters\n"
              "Click to apply this mask")
        .arg(orderName(s.order))
        .arg(pt.percent, 0, 'f', 0)
        .arg(pt.nPruned)
        .arg(format::percent(pt.accuracy), format::percent(pt.accuracyInterval.low),
             format::percent(pt.accuracyInterval.high), format::count(pt.nParameters));
}

void CurvePlot::onMouseMove(QMouseEvent* event)
{
    int s = -1, i = -1;
    const QPoint pos = event->position().toPoint();
    if (pointAt(pos, &s, &i)) {
        canvas()->setCursor(Qt::PointingHandCursor);
        QToolTip::showText(canvas()->mapToGlobal(pos), pointText(s, i), canvas());
    } else {
        canvas()->unsetCursor();
        QToolTip::hideText();
    }
}

void CurvePlot::onMousePress(QMouseEvent* event)
{
    int s = -1, i = -1;
    if (event->button() == Qt::LeftButton && pointAt(event->position().toPoint(), &s, &i))
        emit pointClicked(s, i);
}

} // namespace headscope::ui
