#include "session/engine_settings.h"

#include <QSettings>

namespace headscope::ui {

EngineSettings EngineSettings::load(QSettings& settings)
{
    EngineSettings s;
    settings.beginGroup(QStringLiteral("engine"));
    s.device = settings.value(QStringLiteral("device"), s.device).toString();
    core::Precision precision;
    if (core::parsePrecision(settings.value(QStringLiteral("precision"), QStringLiteral("fp32")).toString().toStdString(),
                             precision))
        s.precision = precision;
    s.nThreads = qMax(0, settings.value(QStringLiteral("threads"), s.nThreads).toInt());
    s.batchSize = qBound(1, settings.value(QStringLiteral("batchSize"), s.batchSize).toInt(), 4096);
    settings.endGroup();
    // A saved CUDA device on a machine without one would fail every load.
    if (s.device.startsWith(QLatin1String("cuda")) && !core::cudaAvailable())
        s.device = QStringLiteral("cpu");
    return s;
}

void EngineSettings::save(QSettings& settings) const
{
    settings.beginGroup(QStringLiteral("engine"));
    settings.setValue(QStringLiteral("device"), device);
    settings.setValue(QStringLiteral("precision"), QString::fromLatin1(core::precisionName(precision)));
    settings.setValue(QStringLiteral("threads"), nThreads);
    settings.setValue(QStringLiteral("batchSize"), batchSize);
    settings.endGroup();
}

} // namespace headscope::ui
