#include "widgets/head_grid_view.h"

#include "models/head_table_model.h"
#include "widgets/head_cell_delegate.h"

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
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    horizontalHeader()->setMinimumSectionSize(fontMetrics().horizontalAdvance(QStringLiteral("Head 00")) + 10);
    horizontalHeader()->setHighlightSections(false);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() * 2 + 14);
    verticalHeader()->setHighlightSections(false);
    verticalHeader()->setSectionsClickable(true);
    verticalHeader()->viewport()->installEventFilter(this);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
    connect(this, &QAbstractItemView::clicked, this, &HeadGridView::toggle);
}

QSize HeadGridView::sizeHint() const
{
    const int frame = 2 * frameWidth();
    const int height = horizontalHeader()->sizeHint().height() + verticalHeader()->length() + frame;
    const int width = verticalHeader()->sizeHint().width() + horizontalHeader()->length() + frame;
    return {qMax(width, 200), qMax(height, 80)};
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
