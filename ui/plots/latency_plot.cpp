#include "plots/latency_plot.h"

#include "plots/qcp.h"

#include <algorithm>
#include <set>

namespace headscope::ui {

LatencyPlot::LatencyPlot(QWidget* parent) : PlotWidget(parent)
{
    QCustomPlot* p = plot();
    p->xAxis->setLabel(tr("batch size"));
    p->yAxis->setLabel(tr("examples / s"));
    p->xAxis->grid()->setVisible(false);
    // The legend in a row of its own above the bars, so that it never hides a bar.
    p->plotLayout()->insertRow(0);
    p->plotLayout()->addElement(0, 0, p->legend);
    p->plotLayout()->setRowStretchFactor(0, 0.001);
    p->legend->setFillOrder(QCPLegend::foColumnsFirst);
    p->legend->setBorderPen(Qt::NoPen);
    p->legend->setBrush(Qt::NoBrush);
    p->legend->setMargins(QMargins(0, 4, 0, 0));
    p->legend->setVisible(true);
    m_group = new QCPBarsGroup(p);
    m_group->setSpacingType(QCPBarsGroup::stAbsolute);
    m_group->setSpacing(3);
    setExportName(QStringLiteral("latency"));
    rebuild();
}

QColor LatencyPlot::variantColor(const QString& variant)
{
    if (variant == QLatin1String("masked")) return QColor(0xe0, 0x8e, 0x2b);
    if (variant == QLatin1String("pruned")) return QColor(0x2c, 0x6f, 0xbb);
    return QColor(0x90, 0xa4, 0xae);
}

void LatencyPlot::setResults(const LatencyResults& results)
{
    m_results = results;
    rebuild();
}

const std::vector<core::LatencyMeasurement>& LatencyPlot::measurements() const
{
    static const std::vector<core::LatencyMeasurement> none;
    return m_results.isValid() ? m_results->measurements : none;
}

void LatencyPlot::rebuild()
{
    QCustomPlot* p = plot();
    p->clearPlottables();
    std::set<int> sizes;
    for (const auto& m : measurements())
        sizes.insert(m.batchSize);
    const std::vector<int> batchSizes(sizes.begin(), sizes.end());
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (size_t i = 0; i < batchSizes.size(); ++i)
        ticker->addTick(double(i + 1), QString::number(batchSizes[i]));
    p->xAxis->setTicker(ticker);
    p->xAxis->setRange(0.4, double(batchSizes.size()) + 0.6);

    double top = 0.0;
    const QStringList variants{QStringLiteral("original"), QStringLiteral("masked"),
                               QStringLiteral("pruned")};
    const QStringList names{tr("original"), tr("masked (same weights, heads zeroed)"),
                            tr("pruned (heads removed)")};
    int nVariants = 0;
    for (const QString& v : variants)
        for (const auto& m : measurements())
            if (QString::fromStdString(m.variant) == v) {
                ++nVariants;
                break;
            }
    for (int vi = 0; vi < variants.size(); ++vi) {
        QVector<double> keys, values, minus, plus;
        for (const auto& m : measurements()) {
            if (QString::fromStdString(m.variant) != variants[vi]) continue;
            const auto at = std::find(batchSizes.begin(), batchSizes.end(), m.batchSize) - batchSizes.begin();
            keys << double(at + 1);
            values << m.examplesPerSecond;
            // The IQR of the batch time as a throughput range: a slow run (q3) gives the low end.
            const double slow = m.q3Ms > 0 ? 1000.0 * m.batchSize / m.q3Ms : m.examplesPerSecond;
            const double fast = m.q1Ms > 0 ? 1000.0 * m.batchSize / m.q1Ms : m.examplesPerSecond;
            minus << std::max(0.0, m.examplesPerSecond - slow);
            plus << std::max(0.0, fast - m.examplesPerSecond);
            top = std::max(top, fast);
        }
        if (keys.isEmpty()) continue;
        auto* bars = new QCPBars(p->xAxis, p->yAxis);
        bars->setWidth(0.8 / std::max(1, nVariants));
        bars->setData(keys, values, true);
        bars->setBrush(variantColor(variants[vi]));
        bars->setPen(QPen(variantColor(variants[vi]).darker(130)));
        bars->setName(names[vi]);
        bars->setBarsGroup(m_group);
        auto* errors = new QCPErrorBars(p->xAxis, p->yAxis);
        errors->removeFromLegend();
        errors->setDataPlottable(bars);
        errors->setData(minus, plus);
        errors->setPen(QPen(QColor(0x33, 0x33, 0x33), 1.2));
        errors->setWhiskerWidth(6);
    }
    p->yAxis->setRange(0, top > 0 ? top * 1.12 : 1.0);
    p->legend->setVisible(!measurements().empty());
    replot();
}

} // namespace headscope::ui
