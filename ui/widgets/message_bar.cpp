#include "widgets/message_bar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>

namespace headscope::ui {

MessageBar::MessageBar(QWidget* parent)
    : QFrame(parent), m_icon(new QLabel(this)), m_text(new QLabel(this)), m_close(new QToolButton(this))
{
    setObjectName(QStringLiteral("messageBar"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 6, 6, 6);
    layout->setSpacing(10);
    m_icon->setFixedSize(20, 20);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse); // users copy paths out of errors
    m_close->setAutoRaise(true);
    m_close->setText(QStringLiteral("✕"));
    m_close->setToolTip(tr("Close"));
    m_close->setAccessibleName(tr("Close message"));
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    connect(m_close, &QToolButton::clicked, this, &QWidget::hide);
    hide();
}

void MessageBar::showMessage(Kind kind, const QString& text, const QString& source)
{
    m_kind = kind;
    m_source = source;
    QString background, border;
    QStyle::StandardPixmap icon = QStyle::SP_MessageBoxInformation;
    switch (kind) {
    case Kind::Error:
        background = QStringLiteral("#fbe9e7");
        border = QStringLiteral("#d84315");
        icon = QStyle::SP_MessageBoxCritical;
        break;
    case Kind::Warning:
        background = QStringLiteral("#fff8e1");
        border = QStringLiteral("#f9a825");
        icon = QStyle::SP_MessageBoxWarning;
        break;
    case Kind::Information:
        background = QStringLiteral("#e3f2fd");
        border = QStringLiteral("#1e88e5");
        break;
    }
    setStyleSheet(QStringLiteral("#messageBar { background: %1; border: 1px solid %2; border-left: 4px solid %2;"
                                 " border-radius: 3px; } #messageBar QLabel { color: #212121; background: transparent; }")
                      .arg(background, border));
    m_icon->setPixmap(style()->standardIcon(icon).pixmap(20, 20));
    m_text->setText(text);
    show();
}

void MessageBar::clearSource(const QString& source)
{
    if (!isHidden() && m_source == source)
        hide();
}

QString MessageBar::text() const
{
    return m_text->text();
}

} // namespace headscope::ui
