#include "session/session_state.h"
#include "util/error_text.h"

#include "analysis/layer_state_cache.h"

#include "analysis/dataset_loader.h"

#include "analysis/encoded_dataset.h"
#include "mask/mask_file.h"
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "util/out_of_memory.h"

#include <QFileInfo>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace headscope::ui {

const QString SessionState::kLoadModelJob = QStringLiteral("load-model");
const QString SessionState::kLoadDataJob = QStringLiteral("load-data");

struct SessionState::DatasetBundle
{
    std::shared_ptr<const core::Dataset> dataset;
    std::shared_ptr<const core::EncodedDataset> encoded; // null when there was no model
};

SessionState::SessionState(QObject* parent) : QObject(parent), m_runner(new JobRunner(this))
{
    qRegisterMetaType<core::HeadMask>();
    qRegisterMetaType<EngineSettings>();
    // What the user sees inline also goes to the log file, for bug reports.
    connect(this, &SessionState::errorOccurred, this, [](const QString& kind, const QString& message) {
        spdlog::error("{}: {}", kind.toStdString(), message.toStdString());
    });
    connect(this, &SessionState::warningOccurred, this, [](const QString& kind, const QString& message) {
        spdlog::warn("{}: {}", kind.toStdString(), message.toStdString());
    });
    // Created last: it reads the session in its constructor.
    m_headModel = new HeadTableModel(this, this);
}

std::shared_ptr<core::LayerStateCache> SessionState::layerCache() const
{
    if (!m_layerCache)
        m_layerCache = std::make_shared<core::LayerStateCache>(size_t(std::max(0, m_settings.layerCacheMb)) << 20,
                                                               m_settings.layerCacheBf16);
    return m_layerCache;
}

SessionState::~SessionState()
{
    // Jobs capture shared_ptrs only, but their deliveries call into this object.
    m_runner->cancelAll();
    m_runner->waitForIdle();
}

void SessionState::setEngineSettings(const EngineSettings& settings)
{
    if (settings == m_settings)
        return;
    const EngineSettings old = m_settings;
    m_settings = settings;
    if (old.layerCacheMb != settings.layerCacheMb || old.layerCacheBf16 != settings.layerCacheBf16)
        m_layerCache.reset();
    emit engineSettingsChanged(m_settings);

    if (old.nThreads != settings.nThreads) {
        const int n = settings.nThreads;
        // Process-wide in LibTorch; set from the worker so no forward is running meanwhile.
        m_runner->start(QStringLiteral("threads"), this, [n](JobContext&) -> core::Result<bool> {
            core::setTorchThreads(n);
            return true;
        }, [](const core::Result<bool>&) {});
    }
    if (!m_model || !old.needsReload(settings))
        return;
    auto model = m_model;
    const QString path = m_modelPath;
    const std::string device = settings.device.toStdString();
    const core::Precision precision = settings.precision;
    m_runner->start(kLoadModelJob, this,
        [model, device, precision](JobContext& ctx) {
            ctx.setStage(tr("Moving the weights to %1 (%2)").arg(QString::fromStdString(device),
                                                                 QString::fromLatin1(core::precisionName(precision))));
            return model->to(device, precision);
        },
        [this, path](const core::Result<std::shared_ptr<const core::EncoderModel>>& r) {
            if (!r) return failModelLoad(r.error());
            onModelLoaded(r.value(), path, /*keepEncoding=*/true);
        });
}

void SessionState::loadModel(const QString& dir)
{
    m_requestedModelDir = dir;
    const std::string path = QFileInfo(dir).absoluteFilePath().toStdString();
    const core::LoadOptions options = m_settings.loadOptions();
    m_runner->start(kLoadModelJob, this,
        [path, options](JobContext& ctx) {
            ctx.setStage(tr("Loading model %1").arg(QFileInfo(QString::fromStdString(path)).fileName()));
            return core::EncoderModel::load(path, options);
        },
        [this, dir](const core::Result<std::shared_ptr<const core::EncoderModel>>& r) {
            if (!r) return failModelLoad(r.error());
            onModelLoaded(r.value(), QFileInfo(dir).absoluteFilePath(), /*keepEncoding=*/false);
        });
}

bool SessionState::isLoadingModel() const
{
    return m_runner->isRunning(kLoadModelJob);
}

bool SessionState::retryModelLoad()
{
    if (m_requestedModelDir.isEmpty()) return false;
    // A failed move: the model is still here; setEngineSettings moves it.
    if (m_model && m_modelPath == QFileInfo(m_requestedModelDir).absoluteFilePath()) return true;
    loadModel(m_requestedModelDir);
    return true;
}

void SessionState::failModelLoad(const core::Error& error)
{
    // Weights too large for the GPU: the window offers to load them on the CPU instead.
    if (core::isGpuOutOfMemory(error)) emit outOfDeviceMemory(kLoadModelJob, errorText(error));
    emit errorOccurred(kLoadModelJob, errorText(error));
}

void SessionState::onModelLoaded(std::shared_ptr<const core::EncoderModel> model, const QString& path,
                                 bool keepEncoding)
{
    const bool sameShape = m_model && model && m_model->nLayers() == model->nLayers() &&
                           m_model->nHeads() == model->nHeads() && m_model->fullMask() == model->fullMask();
    const bool encodingValid = keepEncoding && m_encoded && m_encodedSerial == m_modelSerial;
    m_model = std::move(model);
    m_modelPath = path;
    ++m_modelSerial;
    m_layerCache.reset();
    if (encodingValid)
        m_encodedSerial = m_modelSerial;
    // A converted copy of the same weights keeps the user's mask; a new model starts unmasked.
    if (!(keepEncoding && sameShape))
        m_mask = m_model->fullMask();
    emit modelChanged();
    emit maskChanged(m_mask);
    applyPendingMask();
    // A file asked for while no model was there wins over the one loaded before.
    if (!m_pendingDatasetPath.isEmpty())
        startDatasetJob(m_pendingDatasetPath, m_pendingDatasetOptions);
    else if (!encodingValid && !m_datasetPath.isEmpty())
        startDatasetJob(m_datasetPath, m_datasetOptions);
}

void SessionState::loadDataset(const QString& path, const core::DatasetOptions& options)
{
    // The loaded dataset stays until the new file has been read: a failed load changes nothing.
    m_pendingDatasetPath = QFileInfo(path).absoluteFilePath();
    m_pendingDatasetOptions = options;
    // The model brings the labels (label2id) and the tokenizer: read the file once it is there.
    if (!m_model || isLoadingModel())
        return;
    startDatasetJob(m_pendingDatasetPath, m_pendingDatasetOptions);
}

bool SessionState::isLoadingDataset() const
{
    return m_runner->isRunning(kLoadDataJob);
}

void SessionState::startDatasetJob(const QString& datasetPath, const core::DatasetOptions& datasetOptions)
{
    const std::string path = datasetPath.toStdString();
    const core::DatasetOptions options = datasetOptions;
    auto model = m_model;
    const quint64 serial = m_modelSerial;
    m_runner->start(kLoadDataJob, this,
        [path, options, model](JobContext& ctx) -> core::Result<DatasetBundle> {
            const QString name = QFileInfo(QString::fromStdString(path)).fileName();
            ctx.setStage(tr("Reading %1").arg(name));
            auto ds = core::loadDataset(path, options, model ? &model->config().label2id : nullptr);
            if (!ds)
                return ds.error();
            DatasetBundle bundle;
            bundle.dataset = std::make_shared<const core::Dataset>(std::move(ds).value());
            if (model) {
                ctx.setStage(tr("Tokenising %1").arg(name));
                bundle.encoded = std::make_shared<const core::EncodedDataset>(
                    core::encodeDataset(model->tokenizer(), *bundle.dataset, core::defaultMaxLength(*model)));
            }
            return bundle;
        },
        [this, serial, datasetPath, datasetOptions](const core::Result<DatasetBundle>& r) {
            if (m_pendingDatasetPath == datasetPath) {
                m_pendingDatasetPath.clear();
                m_pendingDatasetOptions = {};
            }
            if (!r) {
                emit errorOccurred(kLoadDataJob, errorText(r.error()));
                return;
            }
            m_datasetPath = datasetPath;
            m_datasetOptions = datasetOptions;
            m_dataset = r->dataset;
            m_encoded = r->encoded;
            m_encodedSerial = serial;
            m_layerCache.reset();
            if (m_dataset->skippedLines > 0) {
                QString first;
                if (!m_dataset->warnings.empty())
                    first = QStringLiteral(" (line %1: %2)")
                                .arg(m_dataset->warnings.front().line)
                                .arg(QString::fromStdString(m_dataset->warnings.front().message));
                emit warningOccurred(kLoadDataJob, tr("%1: skipped %n malformed line(s)%2", nullptr,
                                                      int(m_dataset->skippedLines))
                                                       .arg(m_datasetPath, first));
            }
            emit datasetChanged();
        });
}

std::shared_ptr<const core::EncodedDataset> SessionState::encodedDataset() const
{
    if (!m_model || !m_encoded || m_encodedSerial != m_modelSerial)
        return nullptr;
    return m_encoded;
}

core::HeadMask SessionState::fullMask() const
{
    return m_model ? m_model->fullMask() : core::HeadMask();
}

bool SessionState::setMask(const core::HeadMask& mask)
{
    if (!m_model)
        return false;
    if (mask.nLayers() != m_model->nLayers() || mask.nHeads() != m_model->nHeads()) {
        emit errorOccurred(QStringLiteral("mask"),
                           tr("The mask has %1 layers x %2 heads but the model has %3 x %4.")
                               .arg(mask.nLayers())
                               .arg(mask.nHeads())
                               .arg(m_model->nLayers())
                               .arg(m_model->nHeads()));
        return false;
    }
    core::HeadMask clean = mask;
    // Heads absent from the weights can never be kept.
    for (int l = 0; l < clean.nLayers(); ++l)
        for (int h = 0; h < clean.nHeads(); ++h)
            if (!m_model->hasHead(l, h))
                clean.setKept(l, h, false);
    if (clean == m_mask)
        return true;
    m_mask = clean;
    emit maskChanged(m_mask);
    return true;
}

void SessionState::setHeadMasked(int layer, int head, bool masked)
{
    if (!m_model || layer < 0 || layer >= m_mask.nLayers() || head < 0 || head >= m_mask.nHeads())
        return;
    core::HeadMask m = m_mask;
    m.setKept(layer, head, !masked);
    setMask(m);
}

void SessionState::setLayerMasked(int layer, bool masked)
{
    if (!m_model || layer < 0 || layer >= m_mask.nLayers())
        return;
    core::HeadMask m = m_mask;
    m.setLayerKept(layer, !masked);
    setMask(m);
}

void SessionState::resetMask()
{
    if (m_model)
        setMask(m_model->fullMask());
}

void SessionState::loadMaskFile(const QString& path)
{
    m_pendingMaskFile = path;
    if (m_model)
        applyPendingMask();
}

void SessionState::applyPendingMask()
{
    if (m_pendingMaskFile.isEmpty() || !m_model)
        return;
    const QString path = m_pendingMaskFile;
    m_pendingMaskFile.clear();
    // Mask files are a few hundred bytes: reading them here does not stall the UI.
    auto set = core::readMaskFile(path.toStdString(), m_model->nLayers(), m_model->nHeads());
    if (!set) {
        emit errorOccurred(QStringLiteral("mask"), errorText(set.error()));
        return;
    }
    auto mask = set->maskFor(core::AttentionType::EncoderSelf, m_model->nLayers(), m_model->nHeads());
    if (!mask) {
        core::Error e = mask.error();
        if (e.path.empty())
            e.path = path.toStdString();
        emit errorOccurred(QStringLiteral("mask"), errorText(e));
        return;
    }
    setMask(mask.value());
}

} // namespace headscope::ui
