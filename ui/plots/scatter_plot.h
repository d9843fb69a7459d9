#pragma once
// Per-head values on dataset A (x) against dataset B (y), with the y = x diagonal and the
// correlation in the title. Hovering a point names its head.
#include "plots/plot_widget.h"

#include <QVector>

class QCPTextElement;

namespace headscope::ui {

class ScatterPlot : public PlotWidget
{
    Q_OBJECT
public:
    struct Point
    {
        double x = 0.0;
        double y = 0.0;
        int layer = 0;
        int head = 0;
    };

    explicit ScatterPlot(QWidget* parent = nullptr);

    void setPoints(const QVector<Point>& points, const QString& xLabel, const QString& yLabel);
    void setTitle(const QString& title);
    QString title() const;
    const QVector<Point>& points() const { return m_points; }

private:
    void onMouseMove(QMouseEvent* event);

    QVector<Point> m_points;
    QCPTextElement* m_title;
};

} // namespace headscope::ui
