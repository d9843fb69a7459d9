#pragma once
// Engine settings: device, precision, threads and batch size.
#include "session/engine_settings.h"

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace headscope::ui {

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(const EngineSettings& current, QWidget* parent = nullptr);

    EngineSettings settings() const;

private:
    QComboBox* m_device;
    QComboBox* m_precision;
    QSpinBox* m_threads;
    QSpinBox* m_batchSize;
};

} // namespace headscope::ui
