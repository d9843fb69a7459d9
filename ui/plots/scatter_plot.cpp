#include "plots/scatter_plot.h"

#include "plots/qcp.h"

#include <QMap>
#include <QToolTip>
#include <cmath>

namespace headscope::ui {

ScatterPlot::ScatterPlot(QWidget* parent) : PlotWidget(parent)
{
    QCustomPlot* p = plot();
    p->plotLayout()->insertRow(0);
    m_title = new QCPTextElement(p, QString(),
                                 QFont(font().family(), int(font().pointSizeF() * 1.15), QFont::Bold));
    p->plotLayout()->addElement(0, 0, m_title);
    setExportName(QStringLiteral("compare"));
    connect(p, &QCustomPlot::mouseMove, this, &ScatterPlot::onMouseMove);
    setPoints({}, tr("dataset A"), tr("dataset B"));
}

void ScatterPlot::setTitle(const QString& title)
{
    m_title->setText(title);
    replot();
}

QString ScatterPlot::title() const
{
    return m_title->text();
}

void ScatterPlot::setPoints(const QVector<Point>& points, const QString& xLabel, const QString& yLabel)
{
    m_points = points;
    QCustomPlot* p = plot();
    p->clearGraphs();
    p->clearItems();
    p->xAxis->setLabel(xLabel);
    p->yAxis->setLabel(yLabel);

    double lo = 0.0, hi = 0.0;
    bool any = false;
    QVector<double> x, y;
    for (const Point& pt : points) {
        if (!std::isfinite(pt.x) || !std::isfinite(pt.y)) continue;
        x << pt.x;
        y << pt.y;
        lo = any ? std::min({lo, pt.x, pt.y}) : std::min(pt.x, pt.y);
        hi = any ? std::max({hi, pt.x, pt.y}) : std::max(pt.x, pt.y);
        any = true;
    }
    // Same range on both axes, so that the diagonal means "equal on both datasets".
    if (!any || hi <= lo) {
        lo = any ? lo - 0.5 : 0.0;
        hi = any ? hi + 0.5 : 1.0;
    }
    const double pad = 0.06 * (hi - lo);
    p->xAxis->setRange(lo - pad, hi + pad);
    p->yAxis->setRange(lo - pad, hi + pad);

    auto* diagonal = new QCPItemStraightLine(p);
    diagonal->point1->setCoords(0, 0);
    diagonal->point2->setCoords(1, 1);
    diagonal->setPen(QPen(QColor(0x90, 0x90, 0x90), 1.2, Qt::DashLine));

    QCPGraph* graph = p->addGraph();
    graph->setData(x, y);
    // Deltas on a few hundred examples take few distinct values: heads often coincide. Say how
    // many share a dot.
    QMap<QPair<double, double>, int> counts;
    for (int i = 0; i < x.size(); ++i)
        ++counts[qMakePair(x[i], y[i])];
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() < 2) continue;
        auto* label = new QCPItemText(p);
        label->position->setType(QCPItemPosition::ptPlotCoords);
        label->position->setCoords(it.key().first, it.key().second);
        label->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        label->setPadding(QMargins(7, 0, 0, 4));
        label->setText(QStringLiteral("×%1").arg(it.value()));
        label->setColor(QColor(0x37, 0x47, 0x4f));
    }
    graph->setLineStyle(QCPGraph::lsNone);
    const QColor colour(0x2c, 0x6f, 0xbb);
    QColor fill = colour;
    fill.setAlpha(150);
    graph->setScatterStyle(
        QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(colour.darker(120), 1.2), fill, 9));
    replot();
}

void ScatterPlot::onMouseMove(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    int best = -1;
    double bestDistance = 10.0;
    for (int i = 0; i < m_points.size(); ++i) {
        const double px = plot()->xAxis->coordToPixel(m_points[i].x),
                     py = plot()->yAxis->coordToPixel(m_points[i].y);
        const double d = std::hypot(px - pos.x(), py - pos.y());
        if (d <= bestDistance) {
            bestDistance = d;
            best = i;
        }
    }
    if (best < 0) {
        QToolTip::hideText();
        return;
    }
    // Every head on that dot.
    const Point& pt = m_points[best];
    QStringList heads;
    for (const Point& other : m_points)
        if (other.x == pt.x && other.y == pt.y)
            heads << tr("layer %1, head %2").arg(other.layer).arg(other.head);
    QToolTip::showText(canvas()->mapToGlobal(pos),
                       tr("%1\n%2: %3\n%4: %5")
                           .arg(heads.join(QLatin1Char('\n')), plot()->xAxis->label())
                           .arg(pt.x, 0, 'g', 4)
                           .arg(plot()->yAxis->label())
                           .arg(pt.y, 0, 'g', 4),
                       canvas());
}

} // namespace headscope::ui
