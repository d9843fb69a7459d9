#pragma once
// Paints a cell from an HTML role (the Translations view's highlighted words) when the model
// gives one for it, and plain text otherwise.
#include <QStyledItemDelegate>

namespace headscope::ui {

class RichTextDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit RichTextDelegate(int htmlRole, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_htmlRole;
};

} // namespace headscope::ui
