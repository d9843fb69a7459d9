#pragma once
// The shared state of one HeadScope window: the loaded model, the dataset encoded for it, the
// current head mask and the engine settings. Every page reads it; the mask is changed only
// through it (HeadTableModel::setData ends up here), so it is the one source of truth.
//
//   session->loadModel(dir);                 // async, job kind "load-model"
//   session->loadDataset(path, options);     // async, job kind "load-data"
//   connect(session, &SessionState::maskChanged, ...);
//
// Loading runs on the session's JobRunner, never on the UI thread. Lives on the UI thread.
#include "data/dataset.h"
#include "jobs/job_runner.h"
#include "mask/head_mask.h"
#include "session/engine_settings.h"

#include <QObject>
#include <QString>

#include <memory>

namespace headscope::core {
class EncoderModel;
struct EncodedDataset;
}

namespace headscope::core {
class LayerStateCache;
}

namespace headscope::ui {

class HeadTableModel;

class SessionState : public QObject
{
    Q_OBJECT
public:
    static const QString kLoadModelJob;   // "load-model"
    static const QString kLoadDataJob;    // "load-data"

    explicit SessionState(QObject* parent = nullptr);
    ~SessionState() override;

    /// The runner every page uses for its jobs (one per device: jobs run one after another).
    JobRunner* runner() const { return m_runner; }
    /// The head grid's model, shared by every view of heads.
    HeadTableModel* headModel() const { return m_headModel; }

    // --- engine settings ---
    const EngineSettings& engineSettings() const { return m_settings; }
    /// Applies new settings; a device or precision change converts the loaded weights (async).
    void setEngineSettings(const EngineSettings& settings);

    // --- model ---
    std::shared_ptr<const core::EncoderModel> model() const { return m_model; }
    QString modelPath() const { return m_modelPath; }
    bool hasModel() const { return m_model != nullptr; }
    /// Loads a Hugging Face model folder with the current engine settings.
    void loadModel(const QString& dir);
    bool isLoadingModel() const;
    /// Loads the folder of the last loadModel again with the current settings (after a load
    /// that did not fit in GPU memory; a model already loaded from it is kept, since
    /// setEngineSettings moves it); false when no load was asked for.
    bool retryModelLoad();

    // --- dataset ---
    /// Loads and tokenises a dataset for the current model. Without a model (or while one is
    /// loading) the path is kept and the file read once the model is there, since labels given
    /// as strings need its label2id. The dataset loaded before stays until the new one is read;
    /// when reading fails it stays for good (errorOccurred "load-data").
    void loadDataset(const QString& path, const core::DatasetOptions& options = {});
    /// A dataset file was chosen but waits for a model.
    bool isDatasetWaitingForModel() const { return !m_pendingDatasetPath.isEmpty() && !isLoadingDataset(); }
    /// The file a load was asked for and not finished (waiting for a model or being read).
    QString pendingDatasetPath() const { return m_pendingDatasetPath; }
    bool isLoadingDataset() const;
    /// The loaded dataset's file; a failed load leaves it (and the dataset) as they were.
    QString datasetPath() const { return m_datasetPath; }
    const core::DatasetOptions& datasetOptions() const { return m_datasetOptions; }
    std::shared_ptr<const core::Dataset> dataset() const { return m_dataset; }
    /// The dataset tokenised for the current model; null while none or not encoded yet.
    std::shared_ptr<const core::EncodedDataset> encodedDataset() const;
    /// A model and a dataset encoded for it are both there.
    bool isReady() const { return m_model && encodedDataset(); }
    /// The hidden states kept between evaluations and ablations of this model and dataset
    /// (core::LayerStateCache, sized by the engine settings); a new one whenever the model, the
    /// dataset or the cache settings change, so a job still finishing keeps writing into its own.
    std::shared_ptr<core::LayerStateCache> layerCache() const;

    // --- head mask (1 = kept) ---
    const core::HeadMask& mask() const { return m_mask; }
    /// All present heads kept (structurally pruned heads stay 0); empty without a model.
    core::HeadMask fullMask() const;
    /// Replaces the mask; refused (false + errorOccurred) when its shape does not fit the model.
    bool setMask(const core::HeadMask& mask);
    void setHeadMasked(int layer, int head, bool masked);
    void setLayerMasked(int layer, bool masked);
    void resetMask();
    /// Reads a mask file (any supported format) and applies it; with no model loaded yet it is
    /// applied once one is.
    void loadMaskFile(const QString& path);

signals:
    void modelChanged();
    void datasetChanged();
    void maskChanged(const headscope::core::HeadMask& mask);
    void engineSettingsChanged(const headscope::ui::EngineSettings& settings);
    /// kind: the job or action that failed ("load-model", "load-data", "mask"); message names
    /// the file and the problem.
    void errorOccurred(const QString& kind, const QString& message);
    /// Non-fatal problems, e.g. skipped dataset lines.
    void warningOccurred(const QString& kind, const QString& message);
    /// Loading or moving the weights did not fit in the GPU's memory (kind "load-model"); sent
    /// before errorOccurred.
    void outOfDeviceMemory(const QString& kind, const QString& message);

private:
    struct DatasetBundle;
    void startDatasetJob(const QString& path, const core::DatasetOptions& options);
    void applyPendingMask();
    void onModelLoaded(std::shared_ptr<const core::EncoderModel> model, const QString& path, bool keepEncoding);
    void failModelLoad(const core::Error& error);

    JobRunner* m_runner;
    HeadTableModel* m_headModel;
    EngineSettings m_settings;

    std::shared_ptr<const core::EncoderModel> m_model;
    QString m_modelPath;
    QString m_requestedModelDir; // of the last loadModel, loaded or not

    QString m_datasetPath; // of the loaded dataset
    core::DatasetOptions m_datasetOptions;
    QString m_pendingDatasetPath; // asked for, not read yet
    core::DatasetOptions m_pendingDatasetOptions;
    std::shared_ptr<const core::Dataset> m_dataset;
    std::shared_ptr<const core::EncodedDataset> m_encoded;
    quint64 m_modelSerial = 0;   // bumped whenever m_model changes
    quint64 m_encodedSerial = 0; // the model serial the encoding belongs to

    core::HeadMask m_mask;
    QString m_pendingMaskFile;
    mutable std::shared_ptr<core::LayerStateCache> m_layerCache; // created on first use
};

} // namespace headscope::ui

Q_DECLARE_METATYPE(headscope::core::HeadMask)
Q_DECLARE_METATYPE(headscope::ui::EngineSettings)
