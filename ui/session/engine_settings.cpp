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
    s.layerCacheMb = qBound(0, settings.value(QStringLiteral("layerCacheMb"), s.layerCacheMb).toInt(), 1 << 20);
    s.layerCacheBf16 = settings.value(QStringLiteral("layerCacheBf16"), s.layerCacheBf16).toBool();
    s.stopWidthPoints = qBound(0.0, settings.value(QStringLiteral("stopWidthPoints"), s.stopWidthPoints).toDouble(), 100.0);
    s.sampleSize = qBound(10, settings.value(QStringLiteral("sampleSize"), s.sampleSize).toInt(), 10000000);
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
    settings.setValue(QStringLiteral("layerCacheMb"), layerCacheMb);
    settings.setValue(QStringLiteral("layerCacheBf16"), layerCacheBf16);
    settings.setValue(QStringLiteral("stopWidthPoints"), stopWidthPoints);
    settings.setValue(QStringLiteral("sampleSize"), sampleSize);
    settings.endGroup();
}

} // namespace headscope::ui
