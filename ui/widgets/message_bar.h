#pragma once
// An inline message strip (error, warning, information) shown at the top of a page, so that
// problems are reported where they happened instead of in a message box.
#include <QFrame>

class QLabel;
class QToolButton;

namespace headscope::ui {

class MessageBar : public QFrame
{
    Q_OBJECT
public:
    enum class Kind { Information, Warning, Error };

    explicit MessageBar(QWidget* parent = nullptr);

    void showMessage(Kind kind, const QString& text);
    void showError(const QString& text) { showMessage(Kind::Error, text); }
    void showWarning(const QString& text) { showMessage(Kind::Warning, text); }
    void showInformation(const QString& text) { showMessage(Kind::Information, text); }
    QString text() const;
    Kind kind() const { return m_kind; }

private:
    QLabel* m_icon;
    QLabel* m_text;
    QToolButton* m_close;
    Kind m_kind = Kind::Information;
};

} // namespace headscope::ui
