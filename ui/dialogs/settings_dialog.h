#pragma once
// Engine settings: device, precision, threads, batch size, and the live evaluation's layer
// cache, stop width and sample size.
#include "session/engine_settings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace headscope::ui {

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(const EngineSettings& current, QWidget* parent = nullptr);

    EngineSettings settings() const;
    /// The session autosave interval in seconds (0: only after jobs); not an engine setting.
    void setAutosaveSeconds(int seconds);
    int autosaveSeconds() const;

private:
    QComboBox* m_device;
    QComboBox* m_precision;
    QSpinBox* m_threads;
    QSpinBox* m_batchSize;
    QSpinBox* m_cacheMb;
    QCheckBox* m_cacheBf16;
    QDoubleSpinBox* m_stopWidth;
    QSpinBox* m_sampleSize;
    QSpinBox* m_autosave;
};

} // namespace headscope::ui
