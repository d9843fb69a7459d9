#include "plots/plot_widget.h"

#include "plots/qcp.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSvgGenerator>
#include <QVBoxLayout>

namespace headscope::ui {

PlotWidget::PlotWidget(QWidget* parent) : QWidget(parent), m_plot(new QCustomPlot(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_plot);
    m_plot->setBackground(Qt::white);
    m_plot->setAntialiasedElements(QCP::aeAll);
    m_plot->setNotAntialiasedElements(QCP::aeNone);
    m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
    m_plot->setMouseTracking(true);
    m_plot->setMinimumSize(240, 180);
    styleAxis(m_plot->xAxis);
    styleAxis(m_plot->yAxis);
    connect(m_plot, &QWidget::customContextMenuRequested, this, &PlotWidget::showContextMenu);
}

PlotWidget::~PlotWidget() = default;

QWidget* PlotWidget::canvas() const
{
    return m_plot;
}

void PlotWidget::replot()
{
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotWidget::replotNow()
{
    m_plot->replot(QCustomPlot::rpImmediateRefresh);
}

void PlotWidget::setUpPruningAxes(const QString& xLabel, const QString& yLabel)
{
    QCustomPlot* p = plot();
    p->xAxis->setLabel(xLabel);
    p->yAxis->setLabel(yLabel);
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(10.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    p->xAxis->setTicker(ticker);
    p->xAxis->setRange(-2, 102); // 0 and 100% points stay clear of the frame
    p->legend->setBrush(QColor(255, 255, 255, 230));
    p->legend->setBorderPen(QPen(QColor(0xcc, 0xcc, 0xcc)));
    // Curves fall to the right: the bottom left is where they leave room.
    p->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignLeft);
}

void PlotWidget::styleAxis(QCPAxis* axis)
{
    QFont label = axis->labelFont();
    label.setPointSizeF(label.pointSizeF() * 1.05);
    axis->setLabelFont(label);
    axis->setBasePen(QPen(QColor(0x60, 0x60, 0x60)));
    axis->setTickPen(QPen(QColor(0x60, 0x60, 0x60)));
    axis->setSubTickPen(QPen(QColor(0x90, 0x90, 0x90)));
    axis->setTickLabelColor(QColor(0x30, 0x30, 0x30));
    axis->setLabelColor(QColor(0x20, 0x20, 0x20));
    axis->grid()->setPen(QPen(QColor(0xe2, 0xe5, 0xea), 1, Qt::SolidLine));
    axis->grid()->setZeroLinePen(Qt::NoPen);
    axis->grid()->setSubGridVisible(false);
}

QString PlotWidget::imageFilter()
{
    return tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)");
}

QString PlotWidget::withImageSuffix(const QString& path, const QString& selectedFilter)
{
    if (path.isEmpty() || !QFileInfo(path).suffix().isEmpty()) return path;
    return path + (selectedFilter.contains(QLatin1String("svg"))   ? QStringLiteral(".svg")
                   : selectedFilter.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf")
                                                                   : QStringLiteral(".png"));
}

bool PlotWidget::saveImage(const QString& path, QString* error) const
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    // The size on screen, at least a readable minimum for plots saved from small windows.
    const int w = qMax(m_plot->width(), 640);
    const int h = qMax(m_plot->height(), 420);
    bool ok = false;
    if (suffix == QLatin1String("png")) {
        ok = m_plot->savePng(path, w, h, 2.0);
    } else if (suffix == QLatin1String("pdf")) {
        ok = m_plot->savePdf(path, w, h, QCP::epNoCosmetic, QStringLiteral("HeadScope"), m_exportName);
    } else if (suffix == QLatin1String("svg")) {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(QSize(w, h));
        generator.setViewBox(QRect(0, 0, w, h));
        generator.setTitle(m_exportName);
        generator.setDescription(tr("Plot exported by HeadScope"));
        QCPPainter painter;
        if (painter.begin(&generator)) {
            m_plot->toPainter(&painter, w, h);
            ok = painter.end();
        }
        ok = ok && QFileInfo(path).size() > 0;
    } else {
        if (error) *error = tr("%1: unknown image format \"%2\" (use .png, .svg or .pdf)").arg(path, suffix);
        return false;
    }
    if (!ok && error) *error = tr("%1: could not write the image (is the folder writable?)").arg(path);
    return ok;
}

void PlotWidget::chooseImageFile()
{
    QString selected;
    const QString path = withImageSuffix(
        QFileDialog::getSaveFileName(this, tr("Save plot as image"), m_exportName + QStringLiteral(".png"),
                                     imageFilter(), &selected),
        selected);
    if (path.isEmpty()) return;
    QString error;
    if (!saveImage(path, &error)) {
        QMessageBox::warning(this, tr("Save plot"), error);
        return;
    }
    emit imageSaved(path);
}

void PlotWidget::addContextActions(QMenu*, const QPoint&)
{
}

void PlotWidget::showContextMenu(const QPoint& pos)
{
    QMenu menu(this);
    addContextActions(&menu, pos);
    if (!menu.isEmpty()) menu.addSeparator();
    menu.addAction(tr("Save Image As…"), this, &PlotWidget::chooseImageFile);
    menu.exec(m_plot->mapToGlobal(pos));
}

} // namespace headscope::ui
