#include "widgets/head_grid_view.h"

#include "models/head_table_model.h"
#include "widgets/head_cell_delegate.h"
#include "widgets/head_grid_header.h"

#include <QHeaderView>
#include <QKeyEvent>
#include <QMouseEvent>

namespace headscope::ui {

HeadGridView::HeadGridView(QWidget* parent) : QTableView(parent)
{
    setItemDelegate(new HeadCellDelegate(this));
    setSelectionMode(QAbstractItemView::NoSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setShowGrid(false);
    setMouseTracking(true); // hover feedback on cells
    setCornerButtonEnabled(false);
    setFrameShape(QFrame::NoFrame);
    setAccessibleName(tr("Attention heads"));
    // The cells scale with the view (12 x 16 and 24 x 16 grids fit at 1024 x 700); the window does
    // not grow with the grid.
    setHorizontalHeader(new HeadGridHeader(Qt::Horizontal, this));
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    horizontalHeader()->setMinimumSectionSize(fontMetrics().horizontalAdvance(QStringLiteral("00")) + 6);
    horizontalHeader()->setHighlightSections(false);
    verticalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    verticalHeader()->setMinimumSectionSize(fontMetrics().height() + 4);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() * 2 + 14);
    verticalHeader()->setHighlightSections(false);
    verticalHeader()->setSectionsClickable(true);
    verticalHeader()->viewport()->installEventFilter(this);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    connect(this, &QAbstractItemView::clicked, this, &HeadGridView::toggle);
}

QSize HeadGridView::sizeHint() const
{
    // Comfortable cells (two text lines tall) when there is room; minimumSizeHint when not.
    const int frame = 2 * frameWidth();
    const int rows = m_model ? m_model->rowCount() : 0;
    const int columns = m_model ? m_model->columnCount() : 0;
    const int height = horizontalHeader()->sizeHint().height() + rows * verticalHeader()->defaultSectionSize() + frame;
    const int width = verticalHeader()->sizeHint().width() +
                      columns * (fontMetrics().horizontalAdvance(QStringLiteral("Head 00")) + 10) + frame;
    return {qMax(width, 200), qMax(height, 80)};
}

QSize HeadGridView::minimumSizeHint() const
{
    // Every cell stays visible without scrolling down to this size.
    const int frame = 2 * frameWidth();
    const int rows = m_model ? m_model->rowCount() : 0;
    const int columns = m_model ? m_model->columnCount() : 0;
    const int height =
        horizontalHeader()->sizeHint().height() + rows * verticalHeader()->minimumSectionSize() + frame;
    const int width =
        verticalHeader()->sizeHint().width() + columns * horizontalHeader()->minimumSectionSize() + frame;
    return {qMax(width, 120), qMax(height, 60)};
}

void HeadGridView::setHeadModel(HeadTableModel* model)
{
    m_model = model;
    setModel(model);
    if (model)
        connect(model, &QAbstractItemModel::modelReset, this, &QWidget::updateGeometry);
}

void HeadGridView::toggle(const QModelIndex& index)
{
    if (!m_model || !index.isValid() || index.data(HeadTableModel::PrunedRole).toBool())
        return;
    m_model->setData(index, !index.data(HeadTableModel::MaskedRole).toBool(), HeadTableModel::MaskedRole);
}

void HeadGridView::keyPressEvent(QKeyEvent* event)
{
    if ((event->key() == Qt::Key_Space || event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) &&
        event->modifiers() == Qt::NoModifier) {
        toggle(currentIndex());
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

bool HeadGridView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == verticalHeader()->viewport() && event->type() == QEvent::MouseButtonPress) {
        auto* mouse = static_cast<QMouseEvent*>(event);
        if (mouse->button() == Qt::LeftButton && (mouse->modifiers() & Qt::ShiftModifier) && m_model) {
            const int layer = verticalHeader()->logicalIndexAt(mouse->position().toPoint());
            if (layer >= 0) {
                m_model->toggleLayer(layer);
                return true; // the header would otherwise start a range selection
            }
        }
    }
    return QTableView::eventFilter(watched, event);
}

} // namespace headscope::ui
