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

QString checkpointLabel(const core::CheckpointInfo& c)
{
    return c.epoch >= 0 ? DynamicsPlot::tr("epoch %1").arg(c.epoch) : QString::fromStdString(c.name);
}

} // namespace

DynamicsPlot::DynamicsPlot(QWidget* parent) : PlotWidget(parent)
{
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("heads pruned (%)"));
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
    setLines({}, tr("accuracy relative to the unpruned checkpoint (%)"));
}

void DynamicsPlot::setResults(const DynamicsResults& results)
{
    std::vector<Line> lines;
    if (results.isValid()) {
        for (const auto& c : results->checkpoints) {
            Line line;
            const double base = c.curves && !c.curves->curves.empty() ? c.curves->baselineAccuracy() : 0.0;
            if (base > 0) {
                for (const auto& pt : c.curves->curves.front().points) {
                    line.percent << pt.percent;
                    line.relative << 100.0 * pt.accuracy / base;
                }
            }
            line.name = tr("%1 (unpruned %2 %)").arg(checkpointLabel(c.checkpoint)).arg(100.0 * base, 0, 'f', 1);
            lines.push_back(std::move(line));
        }
    }
    plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
    setLines(std::move(lines), tr("accuracy relative to the unpruned checkpoint (%)"));
}

void DynamicsPlot::setResults(const TranslationDynamicsResults& results, core::PruneScope scope)
{
    std::vector<Line> lines;
    if (results.isValid()) {
        for (const auto& c : results->checkpoints) {
            Line line;
            const double base = c.curves ? c.curves->baselineBleu : 0.0;
            // A checkpoint with BLEU 0 has nothing to lose: no relative line.
            if (c.curves && base > 0) {
                for (const auto& curve : c.curves->curves) {
                    if (curve.scope != scope) continue;
                    for (const auto& pt : curve.points) {
                        line.percent << pt.percent;
                        line.relative << 100.0 * pt.bleu / base;
                    }
                }
            }
            line.name = tr("%1 (unpruned BLEU %2)").arg(checkpointLabel(c.checkpoint)).arg(base, 0, 'f', 1);
            lines.push_back(std::move(line));
        }
    }
    // BLEU falls early, accuracy late: the legend goes where the lines are not.
    plot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    setLines(std::move(lines), tr("BLEU, % of the checkpoint unpruned"));
}

void DynamicsPlot::setHighlighted(int checkpoint)
{
    m_highlighted = checkpoint;
    rebuild();
}

void DynamicsPlot::setLines(std::vector<Line> lines, const QString& yLabel)
{
    m_lines = std::move(lines);
    plot()->yAxis->setLabel(yLabel);
    rebuild();
}

void DynamicsPlot::rebuild()
{
    QCustomPlot* p = plot();
    p->clearGraphs();
    m_drawn = 0;
    double lo = 100.0;
    for (size_t i = 0; i < m_lines.size(); ++i) {
        const Line& line = m_lines[i];
        if (line.percent.isEmpty()) continue;
        for (double v : line.relative) lo = std::min(lo, v);
        QCPGraph* g = p->addGraph();
        g->setData(line.percent, line.relative, true);
        const QColor colour = epochColour(int(i), int(m_lines.size()));
        const bool highlighted = int(i) == m_highlighted;
        g->setPen(QPen(colour, highlighted ? 3.6 : 1.8));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, highlighted ? 7 : 5));
        g->setName(line.name);
        ++m_drawn;
    }
    p->yAxis->setRange(std::max(0.0, std::floor(lo / 10.0) * 10.0 - 5.0), 105);
    p->legend->setVisible(m_drawn > 0);
    replot();
}

} // namespace headscope::ui
