#pragma once
// The head grid's column header: "Head 7" while the column is wide enough, then only "7", so
// that 16 heads fit at 1024 pixels without elided "He…" labels.
#include <QHeaderView>

namespace headscope::ui {

class HeadGridHeader : public QHeaderView
{
public:
    explicit HeadGridHeader(Qt::Orientation orientation, QWidget* parent = nullptr);

    /// The text drawn for a section at its current width.
    QString sectionText(int logicalIndex) const;

protected:
    void initStyleOptionForIndex(QStyleOptionHeader* option, int logicalIndex) const override;
};

} // namespace headscope::ui
