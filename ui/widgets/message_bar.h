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

    /// source: the action the message is about ("load-model", a job kind); clearSource() with
    /// the same name hides it again once that action succeeds.
    void showMessage(Kind kind, const QString& text, const QString& source = {});
    void showError(const QString& text, const QString& source = {}) { showMessage(Kind::Error, text, source); }
    void showWarning(const QString& text, const QString& source = {}) { showMessage(Kind::Warning, text, source); }
    void showInformation(const QString& text, const QString& source = {})
    {
        showMessage(Kind::Information, text, source);
    }
    /// Hides the bar when it shows a message of this source (a later success of that action).
    void clearSource(const QString& source);
    QString text() const;
    Kind kind() const { return m_kind; }
    QString source() const { return m_source; }

private:
    QLabel* m_icon;
    QLabel* m_text;
    QToolButton* m_close;
    Kind m_kind = Kind::Information;
    QString m_source;
};

} // namespace headscope::ui
