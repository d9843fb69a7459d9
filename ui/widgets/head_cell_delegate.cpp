#include "widgets/head_cell_delegate.h"

#include "models/head_table_model.h"

#include <QPainter>
#include <QPainterPath>

namespace headscope::ui {

namespace {
const QColor kKeptFill(0x2c, 0x6f, 0xbb);
const QColor kKeptHover(0x3d, 0x85, 0xd6);
const QColor kMaskedFill(0xe4, 0xe4, 0xe4);
const QColor kMaskedHatch(0xa8, 0xa8, 0xa8);
const QColor kMaskedInk(0x5a, 0x5a, 0x5a);
const QColor kFocus(0xf5, 0x9e, 0x0b);
}

HeadCellDelegate::HeadCellDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

QSize HeadCellDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    Q_UNUSED(index);
    const int h = option.fontMetrics.height();
    return {h * 4, h * 2 + 12};
}

void HeadCellDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    const bool masked = index.data(HeadTableModel::MaskedRole).toBool();
    const bool pruned = index.data(HeadTableModel::PrunedRole).toBool();
    const bool hover = option.state & QStyle::State_MouseOver;
    const bool focus = option.state & QStyle::State_HasFocus;
    const QRectF cell = QRectF(option.rect).adjusted(2.5, 2.5, -2.5, -2.5);
    const QString score = index.data(Qt::DisplayRole).toString();

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    QFont font = option.font;

    if (pruned) {
        painter->setPen(QPen(kMaskedHatch, 1, Qt::DashLine));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(cell, 3, 3);
        painter->setPen(kMaskedInk);
        font.setItalic(true);
        painter->setFont(font);
        painter->drawText(cell, Qt::AlignCenter, tr("pruned"));
    } else if (masked) {
        painter->setPen(QPen(kMaskedHatch, 1));
        painter->setBrush(kMaskedFill);
        painter->drawRoundedRect(cell, 3, 3);
        QPainterPath clip;
        clip.addRoundedRect(cell, 3, 3);
        painter->setClipPath(clip);
        painter->setBrush(QBrush(kMaskedHatch, Qt::BDiagPattern));
        painter->setPen(Qt::NoPen);
        painter->drawRect(cell);
        // A cross, so a masked head reads as "off" without relying on colour.
        painter->setPen(QPen(kMaskedHatch.darker(115), 1.5));
        painter->drawLine(cell.topLeft(), cell.bottomRight());
        painter->drawLine(cell.topRight(), cell.bottomLeft());
        painter->setClipping(false);
        // Text on a small plate so that it stays readable over the hatching.
        font.setStrikeOut(true);
        painter->setFont(font);
        QString text = score.isEmpty() ? tr("masked") : score;
        // Small cells (24 x 16 grids) keep the hatch and cross, without clipped words.
        if (painter->fontMetrics().horizontalAdvance(text) > cell.width() - 6) text = score.isEmpty() ? QString() : text;
        if (painter->fontMetrics().horizontalAdvance(text) > cell.width() - 2) text.clear();
        if (!text.isEmpty()) {
            QRectF plate = painter->fontMetrics().boundingRect(text);
            plate.adjust(-4, -1, 4, 1);
            plate.moveCenter(cell.center());
            painter->setPen(Qt::NoPen);
            painter->setBrush(kMaskedFill);
            painter->drawRoundedRect(plate, 2, 2);
            painter->setPen(kMaskedInk);
            painter->drawText(cell, Qt::AlignCenter, text);
        }
    } else {
        painter->setPen(Qt::NoPen);
        painter->setBrush(hover ? kKeptHover : kKeptFill);
        painter->drawRoundedRect(cell, 3, 3);
        if (!score.isEmpty() && painter->fontMetrics().horizontalAdvance(score) <= cell.width() - 2) {
            painter->setPen(Qt::white);
            painter->setFont(font);
            painter->drawText(cell, Qt::AlignCenter, score);
        }
    }

    if (hover && !pruned && masked) {
        painter->setPen(QPen(kKeptFill, 1.5));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(cell, 3, 3);
    }
    if (focus) {
        painter->setPen(QPen(kFocus, 2.5));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(cell.adjusted(-1, -1, 1, 1), 4, 4);
    }
    painter->restore();
}

} // namespace headscope::ui
