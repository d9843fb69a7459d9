#include "dialogs/settings_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

namespace headscope::ui {

SettingsDialog::SettingsDialog(const EngineSettings& current, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Engine settings"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;

    m_device = new QComboBox(this);
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    if (core::cudaAvailable()) {
        for (int i = 0; i < core::cudaDeviceCount(); ++i)
            m_device->addItem(tr("CUDA GPU %1").arg(i), QStringLiteral("cuda:%1").arg(i));
    }
    const int deviceIndex = m_device->findData(current.device);
    m_device->setCurrentIndex(deviceIndex >= 0 ? deviceIndex : 0);
    form->addRow(tr("&Device"), m_device);

    m_precision = new QComboBox(this);
    m_precision->addItem(tr("float32 (exact, matches references)"), int(core::Precision::Float32));
    m_precision->addItem(tr("bfloat16 (fast, for exploration)"), int(core::Precision::BFloat16));
    m_precision->setCurrentIndex(qMax(0, m_precision->findData(int(current.precision))));
    form->addRow(tr("&Precision"), m_precision);

    m_threads = new QSpinBox(this);
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("All cores (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(current.nThreads);
    form->addRow(tr("CPU &threads"), m_threads);

    m_batchSize = new QSpinBox(this);
    m_batchSize->setRange(1, 4096);
    m_batchSize->setValue(current.batchSize);
    form->addRow(tr("&Batch size"), m_batchSize);
    layout->addLayout(form);

    auto* note = new QLabel(tr("Changing the device or precision converts the loaded weights. "
                               "Evaluations restart with the new settings."),
                            this);
    note->setWordWrap(true);
    note->setStyleSheet(QStringLiteral("color: palette(mid);"));
    layout->addWidget(note);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

EngineSettings SettingsDialog::settings() const
{
    EngineSettings s;
    s.device = m_device->currentData().toString();
    s.precision = core::Precision(m_precision->currentData().toInt());
    s.nThreads = m_threads->value();
    s.batchSize = m_batchSize->value();
    return s;
}

} // namespace headscope::ui
