#include "session/translation_session_link.h"

#include "analysis/translation_set.h"
#include "jobs/translation_controller.h"
#include "session/background_hash.h"

#include <QFileInfo>
#include <spdlog/spdlog.h>

namespace headscope::ui {

namespace report = core::report;

namespace {

const QString kKind = QStringLiteral("session");

QString absolute(const QString& path)
{
    return path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
}

report::SessionFileRef fileRef(const QString& path, const QString& hashPath, const QString& hash, bool withBytes)
{
    report::SessionFileRef ref;
    ref.path = absolute(path).toStdString();
    ref.hash = hashPath == absolute(path) ? hash.toStdString() : std::string();
    if (withBytes) ref.bytes = QFileInfo(path).size();
    return ref;
}

} // namespace

TranslationSessionLink::TranslationSessionLink(TranslationController* translation, QObject* parent)
    : QObject(parent), m_translation(translation)
{
    connect(translation, &TranslationController::modelChanged, this, &TranslationSessionLink::onModelChanged);
    connect(translation, &TranslationController::testSetChanged, this, &TranslationSessionLink::onTestSetChanged);
    connect(translation, &TranslationController::masksChanged, this, [this]() {
        if (!m_applying) emit changed(false);
    });
    // Finished analyses are written at once; partial sweeps are not kept (they restart).
    connect(translation, &TranslationController::importanceReady, this, [this](const TranslationImportanceResults& r) {
        if (!m_applying && r.isValid()) emit changed(true);
    });
    connect(translation, &TranslationController::ablationUpdated, this, [this](const TranslationAblationResults& r) {
        if (!m_applying && r.isValid() && r->complete()) emit changed(true);
    });
    connect(translation, &TranslationController::curvesUpdated, this, [this](const TranslationCurveResults& r) {
        if (!m_applying && r.isValid() && r->complete) emit changed(true);
    });
}

TranslationSessionLink::~TranslationSessionLink() = default;

std::optional<report::TranslationSession> TranslationSessionLink::part() const
{
    if (m_pending) return m_pending; // still loading: keep what the session had
    if (!m_translation->model()) return std::nullopt;
    report::TranslationSession t;
    t.model = fileRef(m_translation->modelPath(), m_hashPath[Model], m_hash[Model], false);
    if (!m_translation->sourcePath().isEmpty())
        t.source = fileRef(m_translation->sourcePath(), m_hashPath[Source], m_hash[Source], true);
    if (!m_translation->referencePath().isEmpty())
        t.reference = fileRef(m_translation->referencePath(), m_hashPath[Reference], m_hash[Reference], true);
    t.masks = m_translation->sessionMasks();
    for (auto& e : m_translation->sessionEntries())
        t.append(std::move(e));
    return t;
}

bool TranslationSessionLink::hasContent() const
{
    return m_pending.has_value() || m_translation->model() != nullptr;
}

void TranslationSessionLink::restore(const report::TranslationSession& saved, const QString& sessionPath)
{
    m_pending = saved;
    m_pendingSessionPath = sessionPath;
    const QString model = QString::fromStdString(saved.model.path);
    const QString source = saved.source ? QString::fromStdString(saved.source->path) : QString();
    const QString reference = saved.reference ? QString::fromStdString(saved.reference->path) : QString();
    m_expectedPath = {model, source, reference};
    m_expectedHash = {QString::fromStdString(saved.model.hash),
                      saved.source ? QString::fromStdString(saved.source->hash) : QString(),
                      saved.reference ? QString::fromStdString(saved.reference->hash) : QString()};
    spdlog::info("restoring the translation part of {} ({} results)", sessionPath.toStdString(), saved.entries.size());
    if (!QFileInfo(model).isDir()) {
        emit warningOccurred(kKind, tr("%1: the translation model folder %2 is missing; its results stay in the "
                                       "session.").arg(sessionPath, model));
        return; // m_pending keeps the part in the session until another translation model is opened
    }
    const bool sourceThere = !source.isEmpty() && QFileInfo(source).isFile();
    const bool referenceThere = reference.isEmpty() || QFileInfo(reference).isFile();
    if (!source.isEmpty() && !sourceThere)
        emit warningOccurred(kKind, tr("%1: the translation source file %2 is missing; the model, masks and results "
                                       "open without a test set.").arg(sessionPath, source));
    else if (!referenceThere)
        emit warningOccurred(kKind, tr("%1: the reference file %2 is missing; the test set opens without "
                                       "references.").arg(sessionPath, reference));
    m_translation->openModel(model);
    if (sourceThere) {
        m_translation->openTestSet(source, referenceThere ? reference : QString());
    } else {
        m_pending->source.reset();
        m_pending->reference.reset();
    }
}

void TranslationSessionLink::onModelChanged()
{
    const QString path = absolute(m_translation->modelPath());
    hashInBackground(Model, path);
    if (!m_pending) {
        emit changed(false);
        return;
    }
    if (path != absolute(QString::fromStdString(m_pending->model.path))) {
        m_pending.reset(); // another model was opened: the saved part is not this page's any more
        emit changed(false);
        return;
    }
    if (!m_pending->source) apply(); // no test set to wait for
}

void TranslationSessionLink::onTestSetChanged()
{
    hashInBackground(Source, absolute(m_translation->sourcePath()));
    hashInBackground(Reference, absolute(m_translation->referencePath()));
    if (m_pending && m_pending->source &&
        absolute(m_translation->sourcePath()) == absolute(QString::fromStdString(m_pending->source->path)) &&
        absolute(m_translation->modelPath()) == absolute(QString::fromStdString(m_pending->model.path)))
        apply(); // before the evaluation that follows the test set, so it decodes with the masks
    else
        emit changed(false);
}

void TranslationSessionLink::apply()
{
    const report::TranslationSession saved = std::move(*m_pending);
    m_pending.reset();
    m_applying = true;
    const QStringList problems = m_translation->adoptSession(saved.masks, saved.entries);
    m_applying = false;
    for (const QString& p : problems)
        emit warningOccurred(kKind, tr("%1: %2").arg(m_pendingSessionPath, p));
    for (File f : {Model, Source, Reference})
        compareHash(f);
    emit restored(problems);
    emit changed(false);
}

void TranslationSessionLink::hashInBackground(File which, const QString& path)
{
    m_hash[which].clear();
    m_hashPath[which] = path;
    if (path.isEmpty()) return;
    ui::hashInBackground(this, path, which == Model, [this, which, path](const QString& hash) {
        if (path != m_hashPath[which]) return; // another file was opened meanwhile
        m_hash[which] = hash;
        if (!m_pending) compareHash(which);
    });
}

void TranslationSessionLink::compareHash(File which)
{
    const QString expected = m_expectedHash[which];
    if (expected.isEmpty() || m_hash[which].isEmpty() || m_hashPath[which] != absolute(m_expectedPath[which]))
        return; // nothing saved to compare with, or not hashed yet
    m_expectedHash[which].clear();
    if (m_hash[which] == expected) return;
    const char* what = which == Model ? "translation model" : which == Source ? "source file" : "reference file";
    emit warningOccurred(kKind, tr("%1: the %2 %3 changed since the session was saved (its content differs); the "
                                   "saved results are shown as they were: run the analyses again to refresh them.")
                                    .arg(m_pendingSessionPath, QString::fromLatin1(what), m_expectedPath[which]));
}

} // namespace headscope::ui
