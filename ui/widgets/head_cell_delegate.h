#pragma once
// Paints one head of the grid. Kept heads are filled; masked heads are hatched grey with a
// cross and the word "masked"; pruned heads are blank with a dashed outline. The states differ
// in pattern and text, not in colour alone.
#include <QStyledItemDelegate>

namespace headscope::ui {

class HeadCellDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit HeadCellDelegate(QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    /// Editing happens by toggling, never through an editor widget.
    QWidget* createEditor(QWidget*, const QStyleOptionViewItem&, const QModelIndex&) const override { return nullptr; }
};

} // namespace headscope::ui
