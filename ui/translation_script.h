#pragma once
// Drives the Translation page for documentation screenshots and scripted runs
// (headscope --model MARIAN_DIR --src F --ref F --page translation --run KIND): once the test
// set is decoded, applies a mask file (if given), shows a tab, starts one analysis and reports
// when its results are on screen.
//
//   TranslationScript script(window.translationPage(), "translations", "", "mask.json");
//   connect(&script, &TranslationScript::finished, trigger, &ScreenshotTrigger::triggerSoon);
//   script.start();
#include <QObject>
#include <QString>

namespace headscope::ui {

class TranslationPage;

class TranslationScript : public QObject
{
    Q_OBJECT
public:
    /// tab: heads, translations (with a mask: only the sentences it changed), curves or
    /// dynamics (empty: the one run needs). run: importance, ablation, curve, live (importance,
    /// then finished halfway through the decode with the mask), dynamics (the model's
    /// checkpoints folder) or empty.
    TranslationScript(TranslationPage* page, QString tab, QString run, QString maskPath, QObject* parent = nullptr);

    /// Checks the names; false with *error set when one is unknown.
    bool validate(QString* error) const;
    void setAblationSubset(int sentences) { m_subset = sentences; }
    void start();

signals:
    void finished();
    /// The mask file could not be applied (message names the file).
    void failed(const QString& message);

private:
    void onEvaluated();
    void begin();
    int tabIndex() const;

    TranslationPage* m_page;
    QString m_tab;
    QString m_run;
    QString m_maskPath;
    int m_subset = 0;
    bool m_maskApplied = false;
    bool m_importanceDone = false; // live: importance first
    bool m_started = false;
    bool m_done = false;
};

} // namespace headscope::ui
