#include "widgets/rich_text_delegate.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QPainter>
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
    painter->translate(opt.rect.topLeft() + QPoint(2, 1));
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
    doc.setTextWidth(std::max(option.rect.width(), 120));
    return QSize(int(doc.idealWidth()), int(doc.size().height()) + 2);
}

} // namespace headscope::ui
