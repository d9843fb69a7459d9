#include "widgets/head_grid_header.h"

#include <QStyleOptionHeader>

namespace headscope::ui {

HeadGridHeader::HeadGridHeader(Qt::Orientation orientation, QWidget* parent) : QHeaderView(orientation, parent) {}

QString HeadGridHeader::sectionText(int logicalIndex) const
{
    const QString full = model() ? model()->headerData(logicalIndex, orientation()).toString() : QString();
    const int room = sectionSize(logicalIndex) - 8;
    if (orientation() == Qt::Vertical || fontMetrics().horizontalAdvance(full) <= room)
        return full;
    return QString::number(logicalIndex); // "Head" is said by the header's tooltip and the page
}

void HeadGridHeader::initStyleOptionForIndex(QStyleOptionHeader* option, int logicalIndex) const
{
    QHeaderView::initStyleOptionForIndex(option, logicalIndex);
    option->text = sectionText(logicalIndex);
    option->textAlignment = Qt::AlignCenter;
}

} // namespace headscope::ui
