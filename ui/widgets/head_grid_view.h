#pragma once
// The head grid: a table of HeadTableModel cells. Click or Space toggles a head's mask;
// shift-click on a layer's row header masks or unmasks the whole layer.
#include <QTableView>

namespace headscope::ui {

class HeadTableModel;

class HeadGridView : public QTableView
{
    Q_OBJECT
public:
    explicit HeadGridView(QWidget* parent = nullptr);

    void setHeadModel(HeadTableModel* model);
    HeadTableModel* headModel() const { return m_model; }
    /// Toggles the mask of the head at index (no-op for pruned heads).
    void toggle(const QModelIndex& index);
    /// Cells two text lines tall; the view stretches or shrinks its cells to the space it gets.
    QSize sizeHint() const override;
    /// Small enough cells that every head is visible without scrolling.
    QSize minimumSizeHint() const override;

protected:
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    HeadTableModel* m_model = nullptr;
};

} // namespace headscope::ui
