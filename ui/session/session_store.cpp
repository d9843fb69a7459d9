#include "session/session_store.h"

#include "jobs/analysis_controller.h"
#include "jobs/job_runner.h"
#include "model/encoder_model.h"
#include "report/report_common.h"
#include "report/result_json.h"
#include "session/session_state.h"
#include "session/translation_session_link.h"
#include "session/background_hash.h"
#include <spdlog/spdlog.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QTimer>


namespace headscope::ui {

namespace report = core::report;

namespace {

const QString kKind = QStringLiteral("session");
constexpr qint64 kImportanceCheckpointMs = 2000;

std::string toStd(const QString& s)
{
    return s.toStdString();
}

QString fromStd(const std::string& s)
{
    return QString::fromStdString(s);
}

report::Json curveRequestJson(const AnalysisController::CurveRequest& r)
{
    report::Json j;
    report::Json orders = report::Json::array();
    for (auto o : r.orders)
        orders.push_back(core::pruneOrderName(o));
    j["orders"] = orders;
    j["step_percent"] = r.stepPercent;
    j["rescore"] = r.rescore;
    j["min_heads_per_layer"] = r.minHeadsPerLayer;
    j["seed"] = r.seed;
    j["importance_method"] = core::importanceMethodName(r.importance.method);
    j["importance_normalization"] = core::normalizationName(r.importance.normalization);
    return j;
}

std::optional<AnalysisController::CurveRequest> curveRequestFromJson(const report::Json& j)
{
    try {
        AnalysisController::CurveRequest r;
        r.orders.clear();
        for (const auto& o : j.at("orders")) {
            core::PruneOrder order;
            if (!core::parsePruneOrder(o.get<std::string>(), order))
                return std::nullopt;
            r.orders.push_back(order);
        }
        r.stepPercent = report::numberFrom(j.at("step_percent"));
        r.rescore = j.at("rescore").get<bool>();
        r.minHeadsPerLayer = report::integerFrom<int>(j.at("min_heads_per_layer"));
        r.seed = report::integerFrom<uint64_t>(j.at("seed"));
        if (!core::parseImportanceMethod(j.at("importance_method").get<std::string>(), r.importance.method) ||
            !core::parseNormalization(j.at("importance_normalization").get<std::string>(), r.importance.normalization))
            return std::nullopt;
        return r;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}


} // namespace

SessionStore::SessionStore(SessionState* session, AnalysisController* analysis, QObject* parent)
    : QObject(parent), m_session(session), m_analysis(analysis), m_timer(new QTimer(this)),
      m_recent(QStringLiteral("recent/sessions"))
{
    QSettings settings;
    m_recent.load(settings);
    m_autosaveSeconds = settings.value(QStringLiteral("session/autosaveSeconds"), 60).toInt();
    connect(m_timer, &QTimer::timeout, this, [this]() {
        if (m_dirty) autosaveNow();
    });
    setAutosaveInterval(m_autosaveSeconds);

    connect(session, &SessionState::modelChanged, this, &SessionStore::onModelChanged);
    connect(session, &SessionState::datasetChanged, this, &SessionStore::onDatasetChanged);
    connect(session, &SessionState::maskChanged, this, [this]() { m_dirty = true; });
    // An opened session is applied once its loads have finished (the dataset's encoding ends
    // after datasetChanged).
    connect(session->runner(), &JobRunner::runningChanged, this, [this](const QString&, bool running) {
        if (!running && m_pending) QTimer::singleShot(0, this, &SessionStore::applyPending);
    });

    // Everything an analysis delivers is recorded; partial results are the checkpoints.
    connect(analysis, &AnalysisController::importanceReady, this, [this](const ImportanceResults& r) {
        if (r.isValid()) record(report::finishedEntry("importance", report::toJson(*r), true), true);
    });
    connect(analysis, &AnalysisController::importanceCheckpointed, this,
            [this](const core::ImportanceParams& params, const core::ImportanceCheckpoint& c) {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                if (now - m_lastImportanceCheckpointMs < kImportanceCheckpointMs) return;
                m_lastImportanceCheckpointMs = now;
                core::ImportanceResult partial;
                partial.params = params;
                partial.raw = c.sum;
                partial.normalized = c.sum;
                partial.nExamples = c.nExamples;
                partial.nTokens = c.nTokens;
                auto e = report::finishedEntry("importance", report::toJson(partial), false);
                e.checkpoint = report::toJson(c);
                record(std::move(e), true);
            });
    connect(analysis, &AnalysisController::ablationUpdated, this, [this](const AblationResults& r) {
        if (r.isValid()) record(report::finishedEntry(report::resultKey(*r), report::toJson(*r), r->complete()), true);
    });
    connect(analysis, &AnalysisController::curvesUpdated, this, [this](const CurveResults& r) {
        if (!r.isValid()) return;
        bool any = false;
        for (const auto& c : r->curves) any = any || !c.points.empty();
        if (!any) return;
        auto e = report::finishedEntry("prune_curves", report::toJson(*r), r->complete());
        e.request = curveRequestJson(m_analysis->lastCurveRequest());
        record(std::move(e), true);
    });
    connect(analysis, &AnalysisController::entropyReady, this, [this](const EntropyResults& r) {
        if (r.isValid()) record(report::finishedEntry("entropy", report::toJson(*r), true), true);
    });
    connect(analysis, &AnalysisController::latencyReady, this, [this](const LatencyResults& r) {
        if (r.isValid()) record(report::finishedEntry("latency", report::toJson(*r), true), true);
    });
    connect(analysis, &AnalysisController::compareReady, this, [this](const CompareResults& r) {
        if (r.isValid()) record(report::finishedEntry("compare", report::toJson(*r), true), true);
    });
    connect(analysis, &AnalysisController::attentionReady, this, [this](const AttentionResults& r) {
        if (r.isValid()) record(report::finishedEntry("attention", report::toJson(*r), true), false);
    });
    connect(analysis, &AnalysisController::dynamicsUpdated, this, [this](const DynamicsResults& r) {
        if (r.isValid() && !r->checkpoints.empty()) record(report::finishedEntry("checkpoints", report::toJson(*r), true), true);
    });
}

SessionStore::~SessionStore() = default;

void SessionStore::setTranslationLink(TranslationSessionLink* link)
{
    m_translationLink = link;
    connect(link, &TranslationSessionLink::changed, this, [this](bool writeNow) {
        m_dirty = true;
        if (writeNow) autosaveNow();
    });
    connect(link, &TranslationSessionLink::warningOccurred, this, &SessionStore::warningOccurred);
}

void SessionStore::setViewHooks(std::function<Json()> capture, std::function<void(const Json&)> apply)
{
    m_captureView = std::move(capture);
    m_applyView = std::move(apply);
}

// --- recording --------------------------------------------------------------------------------

void SessionStore::record(report::SessionEntry entry, bool writeNow)
{
    if (m_applying)
        return;
    m_doc.append(std::move(entry));
    m_dirty = true;
    if (writeNow)
        autosaveNow();
}

void SessionStore::onModelChanged()
{
    // The results of another model are not this session's any more (AnalysisController drops
    // them too); an opened session applies its own once model and data are in.
    m_doc.entries.clear();
    hashInBackground(m_session->modelPath(), true);
    applyPending();
}

void SessionStore::onDatasetChanged()
{
    m_doc.entries.clear();
    hashInBackground(m_session->datasetPath(), false);
    applyPending();
}

void SessionStore::hashInBackground(const QString& path, bool model)
{
    (model ? m_modelHash : m_dataHash).clear();
    (model ? m_modelHashPath : m_dataHashPath) = path;
    if (path.isEmpty())
        return;
    ui::hashInBackground(this, path, model, [this, path, model](const QString& hash) {
        if (path != (model ? m_modelHashPath : m_dataHashPath))
            return; // another file was opened meanwhile
        (model ? m_modelHash : m_dataHash) = hash;
        checkHashes();
    });
}

// --- documents --------------------------------------------------------------------------------

report::SessionDocument SessionStore::document() const
{
    report::SessionDocument d;
    d.headscopeVersion = report::headscopeVersion();
    const QString modelPath = m_session->modelPath();
    if (!modelPath.isEmpty()) {
        report::SessionFileRef ref;
        ref.path = toStd(QFileInfo(modelPath).absoluteFilePath());
        ref.hash = modelPath == m_modelHashPath ? toStd(m_modelHash) : std::string();
        d.model = ref;
    }
    const QString dataPath = m_session->datasetPath();
    if (!dataPath.isEmpty()) {
        report::SessionFileRef ref;
        ref.path = toStd(QFileInfo(dataPath).absoluteFilePath());
        ref.hash = dataPath == m_dataHashPath ? toStd(m_dataHash) : std::string();
        ref.bytes = QFileInfo(dataPath).size();
        d.dataset = ref;
        d.datasetOptions = m_session->datasetOptions();
    }
    d.mask = m_session->mask();
    const EngineSettings& s = m_session->engineSettings();
    d.settings = {{"device", toStd(s.device)},
                  {"precision", core::precisionName(s.precision)},
                  {"threads", s.nThreads},
                  {"batch_size", s.batchSize}};
    d.view = m_captureView ? m_captureView() : Json::object();
    if (!m_filePath.isEmpty())
        d.view["session_file"] = toStd(m_filePath);
    d.entries = m_doc.entries;
    if (m_translationLink)
        d.translation = m_translationLink->part();
    // An opened session whose model or data has not loaded yet keeps its results in the file.
    if (m_pending)
        for (const auto& e : m_pending->entries)
            if (!d.latest(e.key, true))
                d.entries.push_back(e);
    return d;
}

bool SessionStore::writeTo(const QString& path, bool rememberAsRecent)
{
    const auto r = report::writeSessionFile(toStd(path), document());
    if (!r) {
        emit errorOccurred(kKind, fromStd(r.error().toString()));
        return false;
    }
    if (rememberAsRecent)
        addRecent(path);
    return true;
}

bool SessionStore::save()
{
    if (m_filePath.isEmpty()) {
        emit errorOccurred(kKind, tr("The session has no file yet: use Save Session As."));
        return false;
    }
    return saveAs(m_filePath);
}

bool SessionStore::saveAs(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QString old = m_filePath;
    m_filePath = absolute;
    if (!writeTo(absolute, true)) {
        m_filePath = old;
        return false;
    }
    if (old != absolute)
        emit filePathChanged(absolute);
    emit saved(absolute);
    spdlog::info("session saved to {}", toStd(absolute));
    return true;
}

void SessionStore::addRecent(const QString& path)
{
    m_recent.add(path);
    QSettings settings;
    m_recent.save(settings);
    emit recentChanged();
}

bool SessionStore::open(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    auto doc = report::readSessionFile(toStd(absolute));
    if (!doc) {
        emit errorOccurred(kKind, fromStd(doc.error().toString()));
        return false;
    }
    m_pending = std::move(doc).value();
    m_pendingPath = absolute;
    if (!absolute.startsWith(autosaveDirectory())) {
        m_filePath = absolute;
        emit filePathChanged(absolute);
        addRecent(absolute);
    }
    const auto& d = *m_pending;
    m_expectedModelPath = d.model ? fromStd(d.model->path) : QString();
    m_expectedModelHash = d.model ? fromStd(d.model->hash) : QString();
    m_expectedDataPath = d.dataset ? fromStd(d.dataset->path) : QString();
    m_expectedDataHash = d.dataset ? fromStd(d.dataset->hash) : QString();
    spdlog::info("opening session {} ({} results)", toStd(absolute), d.entries.size());
    const QString modelPath = d.model ? fromStd(d.model->path) : QString();
    const QString dataPath = d.dataset ? fromStd(d.dataset->path) : QString();
    const bool modelThere = !modelPath.isEmpty() && QFileInfo(modelPath).isDir();
    const bool dataThere = !dataPath.isEmpty() && QFileInfo(dataPath).isFile();
    if (!modelPath.isEmpty() && !modelThere)
        emit warningOccurred(kKind, tr("%1: the session's model folder %2 is missing; its results stay in the "
                                       "session and are shown once a model of the same shape is opened.")
                                        .arg(absolute, modelPath));
    if (!dataPath.isEmpty() && !dataThere)
        emit warningOccurred(kKind, tr("%1: the session's dataset %2 is missing; open it (or another) to see "
                                       "the results.").arg(absolute, dataPath));
    const bool sameModel = modelThere && QFileInfo(modelPath).absoluteFilePath() ==
                                             QFileInfo(m_session->modelPath()).absoluteFilePath() &&
                           m_session->hasModel();
    const bool sameData = dataThere && QFileInfo(dataPath).absoluteFilePath() ==
                                           QFileInfo(m_session->datasetPath()).absoluteFilePath();
    if (d.translation && m_translationLink)
        m_translationLink->restore(*d.translation, absolute);
    if (!d.model && !d.dataset) {
        // Nothing for the classifier pages (a translation-only session): the view applies now.
        const Json view = d.view;
        m_openedView = view;
        m_pending.reset();
        if (m_applyView && !view.empty())
            m_applyView(view);
        m_dirty = true;
        autosaveNow();
        emit opened(absolute);
        return true;
    }
    if (modelThere && !sameModel)
        m_session->loadModel(modelPath);
    if (dataThere && (!sameData || !sameModel))
        m_session->loadDataset(dataPath, d.datasetOptions);
    applyPending(); // everything already there: apply now
    return true;
}

bool SessionStore::restore(const QString& autosavePath)
{
    // Set first: a session that opens at once (translation only) autosaves during open(), and
    // that autosave holds the orphan's content.
    m_restoredOrphan = autosavePath;
    if (!open(autosavePath)) {
        m_restoredOrphan.clear();
        return false;
    }
    // The user's own file, if the crashed session had one, is where Save goes next.
    const auto& view = m_pending ? m_pending->view : m_openedView;
    if (view.contains("session_file") && view["session_file"].is_string()) {
        m_filePath = fromStd(view["session_file"].get<std::string>());
        emit filePathChanged(m_filePath);
    }
    return true;
}

void SessionStore::applyPending()
{
    if (!m_pending || !m_session->isReady() || m_session->isLoadingModel() || m_session->isLoadingDataset())
        return;
    const report::SessionDocument doc = std::move(*m_pending);
    const QString path = m_pendingPath;
    m_pending.reset();
    if (!doc.mask.empty()) {
        if (doc.mask.nLayers() == m_session->model()->nLayers() && doc.mask.nHeads() == m_session->model()->nHeads())
            m_session->setMask(doc.mask);
        else
            emit warningOccurred(kKind, tr("%1: the saved mask (%2 x %3 heads) does not fit the model; it was not applied.")
                                            .arg(path).arg(doc.mask.nLayers()).arg(doc.mask.nHeads()));
    }
    applyEntries(doc);
    if (m_applyView && !doc.view.empty())
        m_applyView(doc.view);
    resumePartials(doc);
    checkHashes();
    m_dirty = true;
    autosaveNow();
    emit opened(path);
}

void SessionStore::applyEntries(const report::SessionDocument& doc)
{
    const auto model = m_session->model();
    const int nL = model->nLayers(), nH = model->nHeads();
    m_applying = true;
    for (const auto& e : doc.entries) {
        if (!e.complete)
            continue;
        const Json& j = e.result;
        core::Error error;
        bool ok = true;
        auto take = [&](auto r, auto apply) {
            if (!r) {
                error = r.error();
                ok = false;
                return;
            }
            apply(std::make_shared<std::decay_t<decltype(r.value())>>(std::move(r).value()));
        };
        if (e.key == "importance")
            take(report::importanceFromJson(j), [&](auto v) { m_analysis->restoreImportance(v); });
        else if (e.key == "ablation" || e.key == "keep_one")
            take(report::ablationFromJson(j), [&](auto v) { m_analysis->restoreAblation(v); });
        else if (e.key == "entropy")
            take(report::entropyFromJson(j), [&](auto v) { m_analysis->restoreEntropy(v); });
        else if (e.key == "prune_curves")
            take(report::pruneCurvesFromJson(j, nL, nH), [&](auto v) { m_analysis->restoreCurves(v); });
        else if (e.key == "latency")
            take(report::latencyFromJson(j, nL, nH), [&](auto v) { m_analysis->restoreLatency(v); });
        else if (e.key == "compare")
            take(report::compareFromJson(j), [&](auto v) { m_analysis->restoreComparison(v); });
        else if (e.key == "attention")
            take(report::attentionFromJson(j), [&](auto v) { m_analysis->restoreAttention(v); });
        else if (e.key == "checkpoints")
            take(report::checkpointsFromJson(j), [&](auto v) { m_analysis->restoreDynamics(v); });
        if (!ok)
            emit warningOccurred(kKind, tr("The saved %1 result could not be read (%2); the rest of the session is open.")
                                            .arg(fromStd(e.key), fromStd(error.toString())));
        else
            m_doc.append(e);
    }
    m_applying = false;
}

void SessionStore::resumePartials(const report::SessionDocument& doc)
{
    for (const auto& e : doc.entries) {
        if (e.complete)
            continue;
        // A checkpoint older than the finished result of its kind has nothing left to do.
        const report::SessionEntry* latest = doc.latest(e.key, true);
        if (latest != &e)
            continue;
        if (e.key == "ablation" || e.key == "keep_one") {
            auto r = report::ablationFromJson(e.result);
            if (!r || r->nLayers != m_session->model()->nLayers())
                continue;
            auto checkpoint = std::make_shared<core::AblationResult>(std::move(r).value());
            const int done = checkpoint->layersDone;
            m_analysis->restoreAblation(checkpoint);
            m_doc.append(e);
            m_analysis->runAblation(checkpoint->params.mode, checkpoint);
            emit resumed(AnalysisController::kAblationJob,
                         tr("Resuming the %1 sweep after its %n finished layer(s)", nullptr, done)
                             .arg(e.key == "ablation" ? tr("single-head ablation") : tr("keep-one-head")));
        } else if (e.key == "importance") {
            auto r = report::importanceFromJson(e.result);
            auto c = report::importanceCheckpointFromJson(e.checkpoint);
            if (!r || !c)
                continue;
            m_doc.append(e);
            m_analysis->runImportance(r->params.method, r->params.normalization,
                                      std::make_shared<core::ImportanceCheckpoint>(c.value()), r->params.batchSize);
            emit resumed(AnalysisController::kImportanceJob,
                         tr("Resuming head importance after %n batch(es)", nullptr, c->batchesDone));
        } else if (e.key == "prune_curves") {
            auto request = curveRequestFromJson(e.request);
            auto r = report::pruneCurvesFromJson(e.result, m_session->model()->nLayers(), m_session->model()->nHeads());
            if (!request || !r)
                continue;
            m_doc.append(e);
            m_analysis->runCurves(*request, std::make_shared<core::PruneCurveSet>(std::move(r).value()));
            emit resumed(AnalysisController::kCurveJob, tr("Resuming the pruning curves from their measured points"));
        }
    }
}

void SessionStore::checkHashes()
{
    // Once the fresh hash of a file the opened session named is known, compare it with the
    // saved one (each file is reported once).
    auto check = [this](QString& expectedPath, QString& expectedHash, const QString& path, const QString& hash,
                        const QString& what) {
        if (expectedPath.isEmpty() || hash.isEmpty() || QFileInfo(path).absoluteFilePath() != expectedPath)
            return;
        if (!expectedHash.isEmpty() && hash != expectedHash) {
            emit warningOccurred(kKind, tr("The %1 %2 changed since the session was saved (its content differs): the "
                                           "saved results may not describe it. File > Re-run Session Analyses "
                                           "computes them again.").arg(what, expectedPath));
            emit inputsChanged();
        }
        expectedPath.clear();
        expectedHash.clear();
    };
    check(m_expectedModelPath, m_expectedModelHash, m_modelHashPath, m_modelHash, tr("model"));
    check(m_expectedDataPath, m_expectedDataHash, m_dataHashPath, m_dataHash, tr("dataset"));
}

QStringList SessionStore::analysisKinds() const
{
    QStringList kinds;
    for (const auto& e : m_doc.entries)
        kinds << fromStd(e.key);
    return kinds;
}

} // namespace headscope::ui
