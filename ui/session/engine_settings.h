#pragma once
// Where and how the engine runs; persisted with QSettings.
#include "model/encoder_model.h"

#include <QString>

class QSettings;

namespace headscope::ui {

struct EngineSettings
{
    QString device = QStringLiteral("cpu"); // "cpu", "cuda:0", ...
    core::Precision precision = core::Precision::Float32;
    int nThreads = 0;    // 0: every usable core
    int batchSize = 32;
    /// Live evaluation: memory for the hidden states kept between clicks (0 = none), in bf16?
    int layerCacheMb = 512;
    bool layerCacheBf16 = false;
    /// Live evaluation: stop once the change's 95% interval is narrower (points; 0 = never).
    double stopWidthPoints = 0.0;
    /// Live evaluation in sample mode: examples in the sample.
    int sampleSize = 500;

    /// Reads the "engine/..." keys, falling back to the defaults above.
    static EngineSettings load(QSettings& settings);
    void save(QSettings& settings) const;

    /// Device, precision and threads as the core's loaders take them.
    core::LoadOptions loadOptions() const
    {
        core::LoadOptions o;
        o.device = device.toStdString();
        o.precision = precision;
        o.nThreads = nThreads;
        return o;
    }
    /// True when a change needs the weights moved or converted.
    bool needsReload(const EngineSettings& other) const
    {
        return device != other.device || precision != other.precision;
    }
    bool operator==(const EngineSettings& o) const
    {
        return device == o.device && precision == o.precision && nThreads == o.nThreads && batchSize == o.batchSize &&
               layerCacheMb == o.layerCacheMb && layerCacheBf16 == o.layerCacheBf16 &&
               stopWidthPoints == o.stopWidthPoints && sampleSize == o.sampleSize;
    }
    bool operator!=(const EngineSettings& o) const { return !(*this == o); }
};

} // namespace headscope::ui
