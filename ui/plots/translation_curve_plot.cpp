#include "plots/translation_curve_plot.h"

#include "plots/qcp.h"

#include <algorithm>

namespace headscope::ui {

TranslationCurvePlot::TranslationCurvePlot(QWidget* parent) : PlotWidget(parent)
{
    QCustomPlot* p = plot();
    setUpPruningAxes(tr("heads of the type pruned (%)"), tr("BLEU"));
    p->yAxis->setRange(0, 40);
    setExportName(QStringLiteral("translation-pruning-curves"));
    rebuild();
}

QColor TranslationCurvePlot::scopeColor(core::PruneScope scope)
{
    switch (scope) {
    case core::PruneScope::EncoderSelf:
        return QColor(0x25, 0x63, 0xeb);
    case core::PruneScope::EncoderDecoder:
        return QColor(0xdc, 0x26, 0x26);
    case core::PruneScope::DecoderSelf:
        return QColor(0x16, 0xa3, 0x4a);
    case core::PruneScope::All:
        return QColor(0x40, 0x40, 0x40);
    }
    return Qt::black;
}

QString TranslationCurvePlot::scopeName(core::PruneScope scope)
{
    switch (scope) {
    case core::PruneScope::EncoderSelf:
        return tr("Enc-Enc");
    case core::PruneScope::EncoderDecoder:
        return tr("Enc-Dec");
    case core::PruneScope::DecoderSelf:
        return tr("Dec-Dec");
    case core::PruneScope::All:
        return tr("All");
    }
    return {};
}

void TranslationCurvePlot::setResults(const TranslationCurveResults& results)
{
    m_results = results;
    rebuild();
}

void TranslationCurvePlot::rebuild()
{
    QCustomPlot* p = plot();
    p->clearGraphs();
    m_lineCount = 0;
    double hi = 0.0;
    if (m_results.isValid()) {
        for (const core::TranslationPruneCurve& curve : m_results->curves) {
            if (curve.points.empty()) continue;
            QVector<double> x, y;
            for (const auto& point : curve.points) {
                x << point.percent;
                y << point.bleu;
                hi = std::max(hi, point.bleu);
            }
            const QColor colour = scopeColor(curve.scope);
            QCPGraph* line = p->addGraph();
            line->setData(x, y, true);
            line->setPen(QPen(colour, curve.scope == core::PruneScope::All ? 1.6 : 2.2,
                              curve.scope == core::PruneScope::All ? Qt::DashDotLine : Qt::SolidLine));
            line->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, 7));
            line->setName(scopeName(curve.scope));
            ++m_lineCount;
        }
        const double base = m_results->baselineBleu;
        if (base > 0.0) {
            QCPGraph* baseline = p->addGraph();
            baseline->setData(QVector<double>{0.0, 100.0}, QVector<double>{base, base}, true);
            baseline->setPen(QPen(QColor(0x30, 0x30, 0x30), 1.2, Qt::DashLine));
            baseline->setName(tr("unpruned (%1 BLEU)").arg(base, 0, 'f', 2));
            hi = std::max(hi, base);
        }
    }
    p->yAxis->setRange(0.0, hi > 0.0 ? hi * 1.1 + 0.5 : 40.0);
    p->legend->setVisible(p->graphCount() > 0);
    replot();
}

} // namespace headscope::ui
