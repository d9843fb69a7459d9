#pragma once
// Base of every plot in HeadScope: a QCustomPlot in a widget, styled alike, with a context menu
// that saves the plot as PNG, SVG or PDF. QCustomPlot's own header stays inside ui/plots/:
// pages see only this class and its subclasses.
#include <QWidget>

class QCustomPlot;
class QCPAxis;
class QMenu;

namespace headscope::ui {

class PlotWidget : public QWidget
{
    Q_OBJECT
public:
    explicit PlotWidget(QWidget* parent = nullptr);
    ~PlotWidget() override;

    /// Writes the plot to path as PNG, SVG or PDF, chosen by the extension; on failure returns
    /// false and sets *error to a sentence naming the file.
    bool saveImage(const QString& path, QString* error = nullptr) const;
    /// File-dialog filter of the formats saveImage writes.
    static QString imageFilter();
    /// path with the extension of the chosen filter added when it has none (empty stays empty).
    static QString withImageSuffix(const QString& path, const QString& selectedFilter);

    /// A file-name stem for exported images ("heads-importance").
    QString exportName() const { return m_exportName; }
    void setExportName(const QString& name) { m_exportName = name; }

    /// The widget that paints and receives the mouse (for tests that click on the plot).
    QWidget* canvas() const;
    /// Draws pending changes now instead of on the next event-loop turn.
    void replotNow();

public slots:
    /// Asks for a file and saves the image there; errors are shown in a message box, since
    /// the user just asked for this.
    void chooseImageFile();

signals:
    void imageSaved(const QString& path);

protected:
    QCustomPlot* plot() const { return m_plot; }
    /// Queued replot (coalesces several changes into one paint).
    void replot();
    /// Entries specific to the plot, put before the standard ones; pos in canvas coordinates.
    virtual void addContextActions(QMenu* menu, const QPoint& pos);
    /// Axes of a pruning curve: x the share of heads pruned (0-100%, ticks every 10), y as
    /// labelled; the legend framed in the bottom-left corner.
    void setUpPruningAxes(const QString& xLabel, const QString& yLabel);
    /// Shared look of axes: label font, light grid, no sub-grid.
    static void styleAxis(QCPAxis* axis);

private:
    void showContextMenu(const QPoint& pos);

    QCustomPlot* m_plot;
    QString m_exportName = QStringLiteral("plot");
};

} // namespace headscope::ui
