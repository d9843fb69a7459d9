#pragma once
// Throughput (examples/s) per batch size for the original, masked and pruned model, as grouped
// bars with the inter-quartile range of the timed runs as error bars.
#include "jobs/analysis_results.h"
#include "plots/plot_widget.h"

class QCPBarsGroup;

namespace headscope::ui {

class LatencyPlot : public PlotWidget
{
    Q_OBJECT
public:
    explicit LatencyPlot(QWidget* parent = nullptr);

    void setResults(const LatencyResults& results);
    /// The bar colour of a variant ("original", "masked", "pruned").
    static QColor variantColor(const QString& variant);

private:
    void rebuild();
    const std::vector<core::LatencyMeasurement>& measurements() const;

    LatencyResults m_results;
    QCPBarsGroup* m_group;
};

} // namespace headscope::ui
