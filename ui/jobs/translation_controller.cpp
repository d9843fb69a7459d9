#include "jobs/translation_controller.h"
#include "util/error_text.h"
#include "util/out_of_memory.h"

#include "mask/seq2seq_mask_file.h"

#include "analysis/translation_set.h"
#include "jobs/job_runner.h"
#include "model/encoded_sources.h"
#include "model/seq2seq_inference.h"
#include "model/seq2seq_model.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QPointer>

namespace headscope::ui {

const QString TranslationController::kLoadModelJob = QStringLiteral("translation-load-model");
const QString TranslationController::kLoadSetJob = QStringLiteral("translation-load-set");
const QString TranslationController::kEvalJob = QStringLiteral("translation-eval");
const QString TranslationController::kImportanceJob = QStringLiteral("translation-importance");
const QString TranslationController::kAblationJob = QStringLiteral("translation-ablation");
const QString TranslationController::kCurveJob = QStringLiteral("translation-curve");
const QString TranslationController::kDynamicsJob = QStringLiteral("translation-dynamics");

namespace {

// Live numbers at most this often; the last sentence is always sent.
constexpr qint64 kPartialIntervalMs = 40;

// What one evaluation job hands back: the run with the current masks, and the unmasked run and
// encoding when it had to compute them.
struct EvalOutcome
{
    TranslationEvalResults current;
};

} // namespace

const QStringList& TranslationController::jobKinds()
{
    // Built once: the progress filter below asks for it on every progress signal of every job.
    static const QStringList kinds{kLoadModelJob, kLoadSetJob,  kEvalJob,    kImportanceJob,
                                   kAblationJob,  kCurveJob,   kDynamicsJob};
    return kinds;
}

TranslationController::TranslationController(JobRunner* runner, QObject* parent) : QObject(parent), m_runner(runner)
{
    qRegisterMetaType<TranslationEvalResults>();
    qRegisterMetaType<TranslationImportanceResults>();
    qRegisterMetaType<TranslationAblationResults>();
    qRegisterMetaType<TranslationCurveResults>();
    qRegisterMetaType<TranslationDynamicsResults>();
    qRegisterMetaType<LiveBleu>();
    connect(runner, &JobRunner::progressChanged, this, [this](const JobProgress& p) {
        if (jobKinds().contains(p.kind)) emit progressChanged(p);
    });
    connect(runner, &JobRunner::runningChanged, this, [this](const QString& kind, bool running) {
        if (jobKinds().contains(kind)) emit runningChanged(kind, running);
    });
}

TranslationController::~TranslationController()
{
    if (!m_runner) return; // the runner cancelled and waited for every job when it went
    for (const QString& kind : jobKinds())
        m_runner->cancel(kind);
}

void TranslationController::fail(const QString& kind, const core::Error& error)
{
    // A GPU that is too small: the window offers to run it on the CPU instead.
    if (core::isGpuOutOfMemory(error)) emit outOfDeviceMemory(kind, errorText(error));
    if (error.code != core::ErrorCode::Cancelled) emit errorOccurred(kind, errorText(error));
    emit jobDone(kind);
}

bool TranslationController::checkReady(const QString& kind, bool needsReferences)
{
    if (!m_model) {
        emit errorOccurred(kind, tr("Open a translation model first."));
        return false;
    }
    if (!m_set) {
        emit errorOccurred(kind, tr("Open a test set (source and reference files) first."));
        return false;
    }
    if (needsReferences && !m_set->hasReferences()) {
        emit errorOccurred(kind, tr("%1: this needs reference translations; open a reference file too.")
                                     .arg(m_sourcePath));
        return false;
    }
    return true;
}

void TranslationController::cancel(const QString& kind)
{
    m_runner->cancel(kind);
}

bool TranslationController::isRunning(const QString& kind) const
{
    return m_runner->isRunning(kind);
}

bool TranslationController::rerun(const QString& kind)
{
    if (kind == kLoadModelJob) {
        if (m_requestedModelDir.isEmpty()) return false;
        // A failed move: the model (masks, results) is still here, only on its old device.
        if (m_model && m_modelPath == QFileInfo(m_requestedModelDir).absoluteFilePath()) {
            if (needsMove()) moveModel();
            return true;
        }
        openModel(m_requestedModelDir);
        return true;
    }
    if (kind == kEvalJob) return evaluate() != 0;
    const auto it = m_rerun.constFind(kind);
    return it != m_rerun.constEnd() && (*it)() != 0;
}

namespace {

// "cuda" is the first GPU: a model on "cuda:0" is already there.
bool sameDevice(const std::string& a, const std::string& b)
{
    auto canonical = [](const std::string& d) { return d == "cuda" ? std::string("cuda:0") : d; };
    return canonical(a) == canonical(b);
}

} // namespace

void TranslationController::setLoadOptions(const core::LoadOptions& options)
{
    m_loadOptions = options;
    // A load or move under way checks again when it is done.
    if (!m_runner->isRunning(kLoadModelJob) && needsMove()) moveModel();
}

bool TranslationController::needsMove() const
{
    return m_model && (!sameDevice(m_model->deviceName(), m_loadOptions.device) ||
                       m_model->precision() != m_loadOptions.precision);
}

void TranslationController::moveModel()
{
    const auto model = m_model;
    const std::string device = m_loadOptions.device;
    const core::Precision precision = m_loadOptions.precision;
    m_runner->start(
        kLoadModelJob, this,
        [model, device, precision](JobContext& ctx) {
            ctx.setStage(tr("Moving the translation model to %1 (%2)")
                             .arg(QString::fromStdString(device), QString::fromLatin1(core::precisionName(precision))));
            return model->to(device, precision);
        },
        [this, model](const core::Result<std::shared_ptr<const core::Seq2SeqModel>>& r) {
            if (model != m_model) return; // another model was opened meanwhile
            if (!r) return fail(kLoadModelJob, r.error());
            const bool samePrecision = r.value()->precision() == model->precision();
            // The decodes still running use the old weights; the encoding lives on the old device.
            m_runner->cancel(kEvalJob);
            if (samePrecision) {
                m_unmaskedEncoding.reset();
                m_unmasked = {};
                m_current = {};
                m_live = {};
            } else {
                clearResults(); // numbers of another precision
            }
            m_model = r.value();
            emit modelMoved();
            emit jobDone(kLoadModelJob);
            if (needsMove()) return moveModel(); // the settings changed again meanwhile
            if (isReady()) evaluate();
        });
}

// --- model and test set ------------------------------------------------------------------

void TranslationController::openModel(const QString& dir)
{
    m_requestedModelDir = dir;
    const QString absolute = QFileInfo(dir).absoluteFilePath();
    const std::string path = absolute.toStdString();
    const core::LoadOptions options = m_loadOptions;
    m_runner->start(
        kLoadModelJob, this,
        [path, options](JobContext& ctx) {
            ctx.setStage(tr("Loading translation model %1").arg(QFileInfo(QString::fromStdString(path)).fileName()));
            return core::Seq2SeqModel::load(path, options);
        },
        [this, absolute](const core::Result<std::shared_ptr<const core::Seq2SeqModel>>& r) {
            if (!r) return fail(kLoadModelJob, r.error());
            m_model = r.value();
            ++m_openedSerial;
            m_modelPath = absolute;
            m_masks = m_model->fullMasks();
            m_set.reset();
            clearResults();
            emit modelChanged();
            emit masksChanged();
            emit jobDone(kLoadModelJob);
            if (needsMove()) moveModel(); // the settings changed while it loaded
            if (!m_sourcePath.isEmpty()) loadTestSet();
        });
}

void TranslationController::openTestSet(const QString& sourcePath, const QString& referencePath)
{
    m_sourcePath = sourcePath.isEmpty() ? QString() : QFileInfo(sourcePath).absoluteFilePath();
    m_referencePath = referencePath.isEmpty() ? QString() : QFileInfo(referencePath).absoluteFilePath();
    if (m_model) loadTestSet();
}

void TranslationController::loadTestSet()
{
    const auto model = m_model;
    const quint64 opened = m_openedSerial;
    const std::string src = m_sourcePath.toStdString();
    const std::string ref = m_referencePath.toStdString();
    m_runner->start(
        kLoadSetJob, this,
        [model, src, ref](JobContext& ctx) -> core::Result<std::shared_ptr<const core::TranslationSet>> {
            ctx.setStage(tr("Reading %1").arg(QFileInfo(QString::fromStdString(src)).fileName()));
            auto set = core::loadTranslationSet(*model, src, ref);
            if (!set) return set.error();
            return std::make_shared<const core::TranslationSet>(std::move(set).value());
        },
        [this, opened](const core::Result<std::shared_ptr<const core::TranslationSet>>& r) {
            // A newer model reads the files again; the same one moved to another device keeps
            // the token ids.
            if (opened != m_openedSerial) return;
            if (!r) return fail(kLoadSetJob, r.error());
            m_set = r.value();
            clearResults();
            emit testSetChanged();
            emit jobDone(kLoadSetJob);
            evaluate();
        });
}

void TranslationController::clearResults()
{
    for (const QString& kind : {kEvalJob, kImportanceJob, kAblationJob, kCurveJob, kDynamicsJob})
        m_runner->cancel(kind);
    m_unmaskedEncoding.reset();
    m_unmasked = {};
    m_current = {};
    m_live = {};
    m_importance = {};
    m_ablation = {};
    m_curves = {};
    m_dynamics = {};
}

// --- masks ---------------------------------------------------------------------------------

int TranslationController::nLayers(core::AttentionType type) const
{
    return m_model ? m_model->nLayers(type) : 0;
}

int TranslationController::nHeads(core::AttentionType type) const
{
    return m_model ? m_model->nHeads(type) : 0;
}

bool TranslationController::hasHead(core::AttentionType type, int layer, int head) const
{
    return m_model && m_model->hasHead(type, layer, head);
}

bool TranslationController::isMasked(core::AttentionType type, int layer, int head) const
{
    const core::HeadMask& mask = m_masks.of(type);
    if (layer < 0 || head < 0 || layer >= mask.nLayers() || head >= mask.nHeads()) return false;
    return !mask.isKept(layer, head) && hasHead(type, layer, head);
}

void TranslationController::setHeadMasked(core::AttentionType type, int layer, int head, bool masked)
{
    if (!hasHead(type, layer, head) || isMasked(type, layer, head) == masked) return;
    m_masks.of(type).setKept(layer, head, !masked);
    onMasksChanged();
}

void TranslationController::setLayerMasked(core::AttentionType type, int layer, bool masked)
{
    bool changed = false;
    for (int h = 0; h < nHeads(type); ++h) {
        if (!hasHead(type, layer, h) || isMasked(type, layer, h) == masked) continue;
        m_masks.of(type).setKept(layer, h, !masked);
        changed = true;
    }
    if (changed) onMasksChanged();
}

void TranslationController::toggleLayer(core::AttentionType type, int layer)
{
    bool allMasked = true;
    for (int h = 0; h < nHeads(type); ++h)
        if (hasHead(type, layer, h) && !isMasked(type, layer, h)) allMasked = false;
    setLayerMasked(type, layer, !allMasked);
}

void TranslationController::resetMasks()
{
    if (!m_model) return;
    const core::Seq2SeqMasks full = m_model->fullMasks();
    if (m_masks.encoderSelf == full.encoderSelf && m_masks.encoderDecoder == full.encoderDecoder &&
        m_masks.decoderSelf == full.decoderSelf)
        return;
    m_masks = full;
    onMasksChanged();
}

bool TranslationController::loadMaskFile(const QString& path, QString* error)
{
    if (!m_model) {
        if (error) *error = tr("Open a translation model before loading a mask.");
        return false;
    }
    auto masks = core::readSeq2SeqMaskFile(path.toStdString(), m_model->fullMasks());
    if (!masks) {
        if (error) *error = errorText(masks.error());
        return false;
    }
    m_masks = *masks;
    onMasksChanged();
    return true;
}

bool TranslationController::saveMaskFile(const QString& path, QString* error) const
{
    const core::MaskFormat format = core::maskFormatFromPath(path.toStdString());
    auto written = core::writeSeq2SeqMaskFile(
        path.toStdString(), m_masks,
        format == core::MaskFormat::Descriptor ? core::MaskFormat::Descriptor : core::MaskFormat::HeadScopeJson);
    if (!written) {
        if (error) *error = errorText(written.error());
        return false;
    }
    return true;
}

void TranslationController::onMasksChanged()
{
    emit masksChanged();
    if (isReady()) evaluate();
}

// --- live evaluation -----------------------------------------------------------------------

quint64 TranslationController::evaluate()
{
    if (!checkReady(kEvalJob, false)) return 0;
    const auto model = m_model;
    const auto set = m_set;
    const auto masks = m_masks;
    const bool allKept = masks.allKept();
    const int batchSize = m_batchSize;
    auto unmaskedEncoding = m_unmaskedEncoding;
    const TranslationEvalResults unmasked = m_unmasked;
    m_live = {0, int64_t(set->size()), 0.0};
    emit evaluationStarted();
    QPointer<TranslationController> self(this);

    return m_runner->start(
        kEvalJob, this,
        [=](JobContext& ctx) mutable -> core::Result<EvalOutcome> {
            const int n = int(set->size());
            // The unmasked encoding and run do not depend on the masks: they go back to the
            // controller even when this job is superseded later, so the next click reuses them.
            auto keep = [self, model, set](std::function<void(TranslationController*)> store) {
                QMetaObject::invokeMethod(self.data(), [self, model, set, store]() {
                    if (self && self->m_model == model && self->m_set == set) store(self.data());
                }, Qt::QueuedConnection);
            };
            if (!unmaskedEncoding) {
                ctx.setStage(tr("Encoding %n sentence(s)", nullptr, n));
                core::EncodeParams ep;
                ep.batchSize = batchSize;
                auto e = core::encodeSources(*model, set->sourceIds, ep, ctx.progressCallback());
                if (!e) return e.error();
                unmaskedEncoding = std::make_shared<const core::EncodedSources>(std::move(e).value());
                keep([enc = unmaskedEncoding](TranslationController* c) { c->m_unmaskedEncoding = enc; });
            }

            QElapsedTimer sincePartial;
            sincePartial.start();
            core::TranslationPartialCallback partial = [&ctx, &sincePartial, self](const core::TranslationPartial& p) {
                if (p.nDone < p.nTotal && sincePartial.elapsed() < kPartialIntervalMs) return;
                sincePartial.restart();
                const LiveBleu live{p.nDone, p.nTotal, p.bleu.score};
                ctx.post([self, live]() {
                    if (!self) return;
                    self->m_live = live;
                    emit self->evaluationPartial(live);
                });
            };
            core::TranslationEvalParams params;
            params.decode.batchSize = batchSize;

            TranslationEvalResults base = unmasked;
            if (!base.isValid()) {
                ctx.setStage(allKept ? tr("Translating %n sentence(s)", nullptr, n)
                                     : tr("Unmasked run of %n sentence(s), for the comparison", nullptr, n));
                auto r = core::evaluateEncodedTranslation(*model, *set, *unmaskedEncoding, params,
                                                          ctx.progressCallback(),
                                                          allKept ? partial : core::TranslationPartialCallback{});
                if (!r) return r.error();
                base = {ctx.generation(), std::make_shared<const core::TranslationEvalResult>(std::move(r).value())};
                keep([base](TranslationController* c) {
                    c->m_unmasked = base;
                    emit c->unmaskedReady(base);
                });
            }
            if (allKept) return EvalOutcome{base};

            params.decode.masks = masks;
            if (base->hasReferences)
                params.baselineSegments = std::make_shared<const std::vector<core::BleuStats>>(base->segments);
            ctx.setStage(tr("Translating %n sentence(s) with the mask", nullptr, n));
            core::Result<core::TranslationEvalResult> r = core::Error{};
            if (masks.encoderSelf.countMasked() > 0)
                r = core::evaluateTranslation(*model, *set, params, ctx.progressCallback(), partial);
            else
                r = core::evaluateEncodedTranslation(*model, *set, *unmaskedEncoding, params, ctx.progressCallback(),
                                                     partial);
            if (!r) return r.error();
            return EvalOutcome{{ctx.generation(), std::make_shared<const core::TranslationEvalResult>(std::move(r).value())}};
        },
        [this](const core::Result<EvalOutcome>& r) {
            if (!r) return fail(kEvalJob, r.error());
            m_current = r.value().current;
            m_live = {m_current->nSentences, m_current->nSentences, m_current->bleu.score};
            emit evaluationFinished(m_current);
            emit jobDone(kEvalJob);
        });
}

// --- analyses ------------------------------------------------------------------------------

quint64 TranslationController::runImportance()
{
    if (!checkReady(kImportanceJob, true)) return 0;
    m_rerun[kImportanceJob] = [this]() { return runImportance(); };
    const auto model = m_model;
    const auto set = m_set;
    core::TranslationImportanceParams params;
    params.batchSize = m_batchSize;
    params.masks = model->fullMasks();
    return m_runner->start(
        kImportanceJob, this,
        [model, set, params](JobContext& ctx) -> core::Result<TranslationImportanceResults> {
            ctx.setStage(tr("Head importance over %n sentence pair(s)", nullptr, int(set->size())));
            auto r = core::computeTranslationImportance(*model, *set, params, ctx.progressCallback());
            if (!r) return r.error();
            return deliver(ctx, std::move(r).value());
        },
        finishJob(kImportanceJob, &TranslationController::m_importance, &TranslationController::m_importanceFinishedAt,
                  &TranslationController::importanceReady));
}

quint64 TranslationController::runAblation(int64_t subsetSize)
{
    if (!checkReady(kAblationJob, true)) return 0;
    m_rerun[kAblationJob] = [this, subsetSize]() { return runAblation(subsetSize); };
    const auto model = m_model;
    const auto set = m_set;
    core::TranslationAblationParams params;
    params.decode.batchSize = m_batchSize;
    params.subsetSize = subsetSize;
    return m_runner->start(
        kAblationJob, this,
        [this, model, set, params](JobContext& ctx) -> core::Result<TranslationAblationResults> {
            const size_t n = params.subsetSize > 0 ? std::min(size_t(params.subsetSize), set->size()) : set->size();
            ctx.setStage(tr("Single-head ablation on %n sentence(s)", nullptr, int(n)));
            auto onLayer = [this, &ctx](core::AttentionType, int, const core::TranslationAblationResult& soFar) {
                publishPartial(ctx, soFar, &TranslationController::m_ablation, &TranslationController::ablationUpdated);
            };
            auto r = core::runTranslationAblation(*model, *set, params, ctx.progressCallback(), onLayer);
            if (!r) return r.error();
            return deliver(ctx, std::move(r).value());
        },
        finishJob(kAblationJob, &TranslationController::m_ablation, &TranslationController::m_ablationFinishedAt,
                  &TranslationController::ablationUpdated));
}

quint64 TranslationController::runCurves(double stepPercent)
{
    if (!checkReady(kCurveJob, true)) return 0;
    m_rerun[kCurveJob] = [this, stepPercent]() { return runCurves(stepPercent); };
    const auto model = m_model;
    const auto set = m_set;
    core::TranslationPruneCurveParams params;
    params.stepPercent = stepPercent;
    params.decode.batchSize = m_batchSize;
    params.importance.batchSize = m_batchSize;
    if (m_importance.isValid()) params.scores = m_importance->normalized; // no second scoring
    return m_runner->start(
        kCurveJob, this,
        [this, model, set, params](JobContext& ctx) -> core::Result<TranslationCurveResults> {
            ctx.setStage(tr("Pruning curves (BLEU vs heads pruned) on %n sentence(s)", nullptr, int(set->size())));
            // The points so far, as the page draws them while the rest are measured.
            core::TranslationPruneCurveSet soFar;
            soFar.params = params;
            soFar.params.scores = {};
            for (core::PruneScope scope : params.scopes)
                soFar.curves.push_back(core::TranslationPruneCurve{scope, 0, {}});
            auto onPoint = [this, &ctx, &soFar](int curve, const core::TranslationPruneCurvePoint& point) {
                if (curve < 0 || size_t(curve) >= soFar.curves.size()) return;
                soFar.curves[size_t(curve)].points.push_back(point);
                if (point.nPruned == 0) soFar.baselineBleu = point.bleu;
                publishPartial(ctx, soFar, &TranslationController::m_curves, &TranslationController::curvesUpdated);
            };
            auto r = core::computeTranslationPruneCurves(*model, *set, params, ctx.progressCallback(), onPoint);
            if (!r) return r.error();
            return deliver(ctx, std::move(r).value());
        },
        finishJob(kCurveJob, &TranslationController::m_curves, &TranslationController::m_curvesFinishedAt,
                  &TranslationController::curvesUpdated));
}

QString TranslationController::checkpointsFor(const QString& modelDir)
{
    if (modelDir.isEmpty()) return {};
    const QDir model(modelDir);
    for (const QString& candidate : {model.filePath(QStringLiteral("checkpoints")),
                                     QDir(model.filePath(QStringLiteral(".."))).filePath(QStringLiteral("checkpoints"))})
        if (QFileInfo(candidate).isDir()) return QDir::cleanPath(QFileInfo(candidate).absoluteFilePath());
    return {};
}

quint64 TranslationController::runDynamics(const QString& checkpointsDir, std::vector<core::PruneScope> scopes,
                                           double stepPercent, int64_t sentences)
{
    if (!checkReady(kDynamicsJob, true)) return 0;
    m_rerun[kDynamicsJob] = [this, checkpointsDir, scopes, stepPercent, sentences]() {
        return runDynamics(checkpointsDir, scopes, stepPercent, sentences);
    };
    core::TranslationCheckpointSeriesParams params;
    params.sourcePath = m_sourcePath.toStdString();
    params.referencePath = m_referencePath.toStdString();
    params.setOptions.limit = std::max<int64_t>(0, sentences);
    params.load = m_loadOptions;
    params.importanceParams.batchSize = m_batchSize;
    params.curveParams.importance = params.importanceParams;
    params.curveParams.decode.batchSize = m_batchSize;
    params.curveParams.stepPercent = stepPercent;
    if (!scopes.empty()) params.curveParams.scopes = std::move(scopes);
    const std::string dir = checkpointsDir.toStdString();
    return m_runner->start(
        kDynamicsJob, this,
        [this, dir, params](JobContext& ctx) -> core::Result<TranslationDynamicsResults> {
            const auto list = core::listCheckpoints(dir);
            if (!list) return list.error();
            ctx.setStage(tr("Training dynamics: %n checkpoint(s)", nullptr, int(list->size())));
            // The checkpoints done so far, drawn while the next one is measured.
            core::TranslationCheckpointSeriesResult soFar;
            soFar.sourcePath = params.sourcePath;
            soFar.referencePath = params.referencePath;
            auto onCheckpoint = [this, &ctx, &soFar](const core::TranslationCheckpointAnalysis& one) {
                soFar.checkpoints.push_back(one);
                if (one.importance) soFar.nSentences = one.importance->nExamples;
                publishPartial(ctx, soFar, &TranslationController::m_dynamics, &TranslationController::dynamicsUpdated);
            };
            auto r = core::analyzeTranslationCheckpoints(*list, params, ctx.progressCallback(), onCheckpoint);
            if (!r) return r.error();
            return deliver(ctx, std::move(r).value());
        },
        finishJob(kDynamicsJob, &TranslationController::m_dynamics, &TranslationController::m_dynamicsFinishedAt,
                  &TranslationController::dynamicsUpdated));
}

} // namespace headscope::ui
