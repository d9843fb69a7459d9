#pragma once
// Status-bar summary of where the engine runs (device, threads, precision) and the start-up
// speed check's warning when matrix products are slow.
#include <QWidget>

class QLabel;

namespace headscope::core {
struct SpeedCheck;
}

namespace headscope::ui {

class SessionState;

class EngineStatusWidget : public QWidget
{
    Q_OBJECT
public:
    explicit EngineStatusWidget(SessionState* session, QWidget* parent = nullptr);

    /// Runs the speed check on the session's job runner (kind "speed-check").
    void startSpeedCheck();
    void showSpeedCheck(const core::SpeedCheck& check);
    /// What the speed check is and why it runs; the start of the status bar's tooltip.
    static QString speedCheckExplanation();

private:
    void update();

    SessionState* m_session;
    QLabel* m_device;
    QLabel* m_threads;
    QLabel* m_precision;
    QLabel* m_speed;
};

} // namespace headscope::ui
