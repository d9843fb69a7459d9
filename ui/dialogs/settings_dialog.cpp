#include "dialogs/settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
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
    m_threads->setObjectName(QStringLiteral("threads"));
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("All cores (%1)").arg(QThread::idealThreadCount()));
    m_threads->setValue(current.nThreads);
    form->addRow(tr("CPU &threads"), m_threads);

    m_batchSize = new QSpinBox(this);
    m_batchSize->setObjectName(QStringLiteral("batchSize"));
    m_batchSize->setRange(1, 4096);
    m_batchSize->setValue(current.batchSize);
    form->addRow(tr("&Batch size"), m_batchSize);
    layout->addLayout(form);

    // The live evaluation after a click.
    auto* liveForm = new QFormLayout;
    m_cacheMb = new QSpinBox(this);
    m_cacheMb->setObjectName(QStringLiteral("layerCacheMb"));
    m_cacheMb->setRange(0, 1 << 20);
    m_cacheMb->setSingleStep(128);
    m_cacheMb->setSuffix(tr(" MB"));
    m_cacheMb->setSpecialValueText(tr("Off"));
    m_cacheMb->setValue(current.layerCacheMb);
    m_cacheMb->setToolTip(tr("Hidden states entering each layer are kept between evaluations, so a click in "
                             "layer l recomputes layers l and up only. When full, the highest layers go first."));
    liveForm->addRow(tr("&Layer cache"), m_cacheMb);
    m_cacheBf16 = new QCheckBox(tr("Keep the cached states in bfloat16 (half the memory, results differ "
                                   "in the last digits)"),
                                this);
    m_cacheBf16->setChecked(current.layerCacheBf16);
    liveForm->addRow(QString(), m_cacheBf16);
    m_stopWidth = new QDoubleSpinBox(this);
    m_stopWidth->setRange(0.0, 100.0);
    m_stopWidth->setDecimals(1);
    m_stopWidth->setSingleStep(0.5);
    m_stopWidth->setSuffix(tr(" pts"));
    m_stopWidth->setSpecialValueText(tr("Never (evaluate every example)"));
    m_stopWidth->setValue(current.stopWidthPoints);
    m_stopWidth->setToolTip(tr("Stop a click's evaluation once the 95% interval of its change against the "
                               "baseline is narrower than this. The panel says when a number is such an estimate."));
    liveForm->addRow(tr("&Stop when the interval is narrower than"), m_stopWidth);
    m_sampleSize = new QSpinBox(this);
    m_sampleSize->setRange(10, 10000000);
    m_sampleSize->setSingleStep(100);
    m_sampleSize->setValue(current.sampleSize);
    m_sampleSize->setToolTip(tr("Examples evaluated in sample mode (a stratified random sample)."));
    liveForm->addRow(tr("Sa&mple size"), m_sampleSize);
    layout->addLayout(liveForm);

    auto* sessionForm = new QFormLayout;
    m_autosave = new QSpinBox(this);
    m_autosave->setObjectName(QStringLiteral("autosaveSeconds"));
    m_autosave->setRange(0, 3600);
    m_autosave->setSuffix(tr(" s"));
    m_autosave->setSpecialValueText(tr("only after jobs"));
    m_autosave->setToolTip(tr("How often the session is autosaved for a restore after a crash. It is also saved "
                              "after every finished analysis and every finished layer, point or batch of a sweep."));
    sessionForm->addRow(tr("&Autosave the session every"), m_autosave);
    layout->addLayout(sessionForm);

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
    s.layerCacheMb = m_cacheMb->value();
    s.layerCacheBf16 = m_cacheBf16->isChecked();
    s.stopWidthPoints = m_stopWidth->value();
    s.sampleSize = m_sampleSize->value();
    return s;
}

void SettingsDialog::setAutosaveSeconds(int seconds)
{
    m_autosave->setValue(seconds);
}

int SettingsDialog::autosaveSeconds() const
{
    return m_autosave->value();
}

} // namespace headscope::ui
