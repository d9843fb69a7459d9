#pragma once
// Small look-alike pieces shared by the analysis pages.
#include <QFont>
#include <QLabel>

namespace headscope::ui::pagehelpers {

/// The page's title, large and bold, as on the head grid page.
inline QLabel* titleLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    label->setFont(f);
    return label;
}

/// Explanatory text in a muted colour that wraps.
inline QLabel* noteLabel(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: palette(mid);"));
    return label;
}

} // namespace headscope::ui::pagehelpers
