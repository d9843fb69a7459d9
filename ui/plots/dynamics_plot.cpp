#include "plots/dynamics_plot.h"

#include "plots/qcp.h"

#include <algorithm>
#include <cmath>

namespace headscope::ui {

namespace {

// From a light to a dark blue as training proceeds.
QColor epochColour(int index, int count)
{
    const double t = count > 1 ? double(index) / double(count - 1) : 1.0;
    const QColor light(0x9e, 0xc9, 0xe8), dark(0x08, 0x30, 0x6b);
    auto mix = [t](int a, int b) { return int(std::lround(a + t * (b - a))); };
    return QColor(mix(light.red(), dark.red()), mix(light.green(), dark.green()), mix(light.blue(), dark.blue()));
}

} // namespace

DynamicsPlot::DynamicsPlot(QWidget* parent) : PlotWidget(parent)
{
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("heads pruned (%)"));
    p->yAxis->setLabel(tr("accuracy relative to the unpruned checkpoint (%)"));
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(10.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    p->xAxis->setTicker(ticker);
    p->xAxis->setRange(-2, 102);
    p->yAxis->setRange(0, 105);
    p->legend->setVisible(true);
    p->legend->setBrush(QColor(255, 255, 255, 230));
    p->legend->setBorderPen(QPen(QColor(0xcc, 0xcc, 0xcc)));
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    setExportName(QStringLiteral("training-dynamics"));
    rebuild();
}

void DynamicsPlot::setResults(const DynamicsResults& results)
{
    m_results = results;
    rebuild();
}

void DynamicsPlot::setHighlighted(int checkpoint)
{
    m_highlighted = checkpoint;
    rebuild();
}

void DynamicsPlot::rebuild()
{
    QCustomPlot* p = plot();
    p->clearGraphs();
    m_lines = 0;
    double lo = 100.0;
    if (m_results.isValid()) {
        const auto& list = m_results->checkpoints;
        for (size_t i = 0; i < list.size(); ++i) {
            const auto& c = list[i];
            if (!c.curves || c.curves->curves.empty()) continue;
            const double base = c.curves->baselineAccuracy();
            if (!(base > 0)) continue;
            QVector<double> x, y;
            for (const auto& pt : c.curves->curves.front().points) {
                x << pt.percent;
                y << 100.0 * pt.accuracy / base;
                lo = std::min(lo, 100.0 * pt.accuracy / base);
            }
            QCPGraph* g = p->addGraph();
            g->setData(x, y, true);
            const QColor colour = epochColour(int(i), int(list.size()));
            const bool highlighted = int(i) == m_highlighted;
            g->setPen(QPen(colour, highlighted ? 3.6 : 1.8));
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, highlighted ? 7 : 5));
            const QString name = c.checkpoint.epoch >= 0 ? tr("epoch %1").arg(c.checkpoint.epoch)
                                                         : QString::fromStdString(c.checkpoint.name);
            g->setName(tr("%1 (unpruned %2 %)").arg(name).arg(100.0 * base, 0, 'f', 1));
            ++m_lines;
        }
    }
    p->yAxis->setRange(std::max(0.0, std::floor(lo / 10.0) * 10.0 - 5.0), 105);
    p->legend->setVisible(m_lines > 0);
    replot();
}

} // namespace headscope::ui
