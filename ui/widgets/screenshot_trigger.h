#pragma once
// Grabs a window to an image file once it shows what is wanted, for documentation: after the
// first finished evaluation, or after a fixed time when there is nothing to wait for.
#include <QObject>
#include <QPointer>

class QTimer;
class QWidget;

namespace headscope::ui {

class ScreenshotTrigger : public QObject
{
    Q_OBJECT
public:
    /// maxDelayMs: grab at the latest after this long.
    ScreenshotTrigger(QWidget* window, QString path, int maxDelayMs, QObject* parent = nullptr);

    /// Grabs shortly after this call (lets pending paints and layouts settle first).
    void triggerSoon();

signals:
    /// ok: the file was written.
    void finished(bool ok, const QString& path);

private:
    void grab();

    QPointer<QWidget> m_window;
    QString m_path;
    QTimer* m_timeout;
    bool m_done = false;
};

} // namespace headscope::ui
