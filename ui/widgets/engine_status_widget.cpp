#include "widgets/engine_status_widget.h"

#include "model/encoder_model.h"
#include "model/speed_check.h"
#include "session/session_state.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QThread>

namespace headscope::ui {

EngineStatusWidget::EngineStatusWidget(SessionState* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_device(new QLabel(this))
    , m_threads(new QLabel(this))
    , m_precision(new QLabel(this))
    , m_speed(new QLabel(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(16);
    m_speed->setStyleSheet(QStringLiteral("color: #b71c1c; font-weight: bold;"));
    m_speed->hide();
    layout->addWidget(m_speed);
    layout->addWidget(m_device);
    layout->addWidget(m_threads);
    layout->addWidget(m_precision);
    setToolTip(speedCheckExplanation() + QStringLiteral("\n\n") + tr("Speed check: running…"));
    m_speed->setToolTip(toolTip());
    m_device->setToolTip(toolTip());
    connect(session, &SessionState::engineSettingsChanged, this, &EngineStatusWidget::update);
    connect(session, &SessionState::modelChanged, this, &EngineStatusWidget::update);
    update();
}

void EngineStatusWidget::update()
{
    const EngineSettings& s = m_session->engineSettings();
    const auto model = m_session->model();
    const QString device = model ? QString::fromStdString(model->deviceName()) : s.device;
    m_device->setText(tr("Device: %1").arg(device));
    const int threads = s.nThreads > 0 ? s.nThreads : QThread::idealThreadCount();
    m_threads->setText(tr("Threads: %1").arg(threads));
    m_precision->setText(tr("Precision: %1").arg(QString::fromLatin1(core::precisionName(s.precision))));
}

void EngineStatusWidget::startSpeedCheck()
{
    m_session->runner()->start(QStringLiteral("speed-check"), this,
        [](JobContext& ctx) -> core::Result<core::SpeedCheck> {
            ctx.setStage(tr("Measuring matrix-product speed"));
            return core::runSpeedCheck();
        },
        [this](const core::Result<core::SpeedCheck>& r) {
            if (r)
                showSpeedCheck(r.value());
        });
}

void EngineStatusWidget::showSpeedCheck(const core::SpeedCheck& check)
{
    const QString blas = check.blasLibrary.empty() ? tr("unknown BLAS") : QString::fromStdString(check.blasLibrary);
    const QString summary = tr("fp32 matmul: %1 GFLOP/s (%2)").arg(check.gflops, 0, 'f', 1).arg(blas);
    QString tip = speedCheckExplanation() + QStringLiteral("\n\n") + tr("Speed check: %1").arg(summary);
    if (check.slow) {
        m_speed->setText(tr("⚠ Slow matrix products: %1 GFLOP/s").arg(check.gflops, 0, 'f', 1));
        tip += QStringLiteral("\n") + QString::fromStdString(check.advice);
        m_speed->show();
    } else {
        m_speed->hide();
    }
    setToolTip(tip);
    m_speed->setToolTip(tip);
    m_device->setToolTip(tip);
}

QString EngineStatusWidget::speedCheckExplanation()
{
    return tr("At start-up HeadScope times a 512×512 fp32 matrix product on the CPU (the speed check). "
              "Below about 20 GFLOP/s the reference BLAS is probably in use and every analysis runs many times "
              "slower; a red note then says what to install.");
}

} // namespace headscope::ui
