#pragma once
// The Translation page's part of a session file: what SessionStore writes for it (model, test
// set and their content hashes, the masks of the three attention types, the finished
// importance, ablation and pruning curves) and how an opened session gives it back.
//
//   TranslationSessionLink link(translationController);
//   store.setTranslationLink(&link);         // document() gains "translation", open() restores it
//
// Restoring loads the model and test set in the background, then applies the masks and shows
// the results as saved; the evaluation that follows every test-set load decodes with the
// restored masks. A missing model folder or test-set file is named and the rest of the session
// opens; the saved part stays in the session until another translation model is opened. A model
// or file whose content hash differs from the saved one is reported once its hash is known.
// Lives on the UI thread.
#include "report/session_document.h"

#include <QObject>
#include <QString>

#include <array>
#include <optional>

namespace headscope::ui {

class TranslationController;

class TranslationSessionLink : public QObject
{
    Q_OBJECT
public:
    explicit TranslationSessionLink(TranslationController* translation, QObject* parent = nullptr);
    ~TranslationSessionLink() override;

    /// What a session keeps of the Translation page now; none when no translation model is
    /// open (and no restore is waiting).
    std::optional<core::report::TranslationSession> part() const;
    /// Opens a session's translation part; sessionPath is named in the warnings.
    void restore(const core::report::TranslationSession& saved, const QString& sessionPath);
    /// A translation model is open or a restore waits: part() has something to save.
    bool hasContent() const;
    /// A restore waits for the model or the test set.
    bool isRestoring() const { return m_pending.has_value(); }

signals:
    /// Something worth saving changed; writeNow after a finished analysis (autosave at once).
    void changed(bool writeNow);
    /// The saved masks and results were applied (problems: what did not fit, one sentence each).
    void restored(const QStringList& problems);
    /// kind "session": missing files, changed files, results that do not fit.
    void warningOccurred(const QString& kind, const QString& message);

private:
    enum File { Model = 0, Source = 1, Reference = 2 };
    void hashInBackground(File which, const QString& path);
    void compareHash(File which);
    void onModelChanged();
    void onTestSetChanged();
    void apply();

    TranslationController* m_translation;
    std::array<QString, 3> m_hashPath; // the file each hash below belongs to
    std::array<QString, 3> m_hash;
    std::array<QString, 3> m_expectedPath; // of an opened session, until compared
    std::array<QString, 3> m_expectedHash;
    std::optional<core::report::TranslationSession> m_pending;
    QString m_pendingSessionPath;
    bool m_applying = false;
};

} // namespace headscope::ui
