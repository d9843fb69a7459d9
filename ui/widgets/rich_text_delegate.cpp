#include "widgets/rich_text_delegate.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
#include <QTableView>
#include <QTextDocument>

namespace headscope::ui {

RichTextDelegate::RichTextDelegate(int htmlRole, QObject* parent) : QStyledItemDelegate(parent), m_htmlRole(htmlRole) {}

void RichTextDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    const QString html = index.data(m_htmlRole).toString();
    if (html.isEmpty()) return QStyledItemDelegate::paint(painter, option, index);
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background, selection

    QTextDocument doc;
    doc.setDefaultFont(opt.font);
    doc.setHtml(html);
    doc.setTextWidth(opt.rect.width() - 4);
    painter->save();
    // Centred vertically, as the plain-text columns beside it.
    const int top = std::max(1, (opt.rect.height() - int(doc.size().height())) / 2);
    painter->translate(opt.rect.topLeft() + QPoint(2, top));
    painter->setClipRect(QRect(0, 0, opt.rect.width() - 2, opt.rect.height() - 1));
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette.setColor(QPalette::Text, opt.state & QStyle::State_Selected
                                                 ? opt.palette.color(QPalette::HighlightedText)
                                                 : opt.palette.color(QPalette::Text));
    doc.documentLayout()->draw(painter, context);
    painter->restore();
}

QSize RichTextDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    const QString html = index.data(m_htmlRole).toString();
    if (html.isEmpty()) return QStyledItemDelegate::sizeHint(option, index);
    QTextDocument doc;
    doc.setDefaultFont(option.font);
    doc.setHtml(html);
    // The column's width: a table asks for size hints with an empty rect, and wrapping at a
    // made-up width gave rows many times too tall.
    int width = option.rect.width();
    if (const auto* table = qobject_cast<const QTableView*>(option.widget))
        width = table->columnWidth(index.column());
    doc.setTextWidth(std::max(width - 4, 60));
    return QSize(int(doc.idealWidth()), int(doc.size().height()) + 2);
}

} // namespace headscope::ui
