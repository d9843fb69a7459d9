#include "widgets/screenshot_trigger.h"

#include <QDir>
#include <QFileInfo>
#include <QPixmap>
#include <QTimer>
#include <QWidget>

#include <spdlog/spdlog.h>

namespace headscope::ui {

ScreenshotTrigger::ScreenshotTrigger(QWidget* window, QString path, int maxDelayMs, QObject* parent)
    : QObject(parent), m_window(window), m_path(std::move(path)), m_timeout(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, &ScreenshotTrigger::grab);
    m_timeout->start(qMax(0, maxDelayMs));
}

void ScreenshotTrigger::triggerSoon()
{
    // Queued updates (labels, progress bar) are painted before the grab.
    QTimer::singleShot(250, this, &ScreenshotTrigger::grab);
}

void ScreenshotTrigger::grab()
{
    if (m_done)
        return;
    m_done = true;
    m_timeout->stop();
    bool ok = false;
    if (m_window) {
        QDir().mkpath(QFileInfo(m_path).absolutePath());
        ok = m_window->grab().save(m_path);
    }
    if (ok)
        spdlog::info("screenshot written to {}", m_path.toStdString());
    else
        spdlog::error("could not write the screenshot {}", m_path.toStdString());
    emit finished(ok, m_path);
}

} // namespace headscope::ui
