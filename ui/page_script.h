#pragma once
// Drives the window for documentation screenshots (headscope --page NAME --run KIND): once the
// model and the dataset are loaded and the first evaluation is done, shows a page, starts one
// analysis with that page's settings and reports when its results are on screen.
//
//   PageScript script(&window, QStringLiteral("heads"), QStringLiteral("ablation"));
//   connect(&script, &PageScript::finished, trigger, &ScreenshotTrigger::triggerSoon);
//   script.start();
#include <QObject>
#include <QString>

namespace headscope::ui {

class MainWindow;

class PageScript : public QObject
{
    Q_OBJECT
public:
    /// page: start, grid, heads, curves, latency, compare, attention (empty: the one run needs).
    /// run: importance, ablation, keep-one, entropy, curve, latency, compare, attention or empty.
    PageScript(MainWindow* window, QString page, QString run, QObject* parent = nullptr);

    /// Checks the names; false with *error set when one is unknown.
    bool validate(QString* error) const;
    void setSecondDataset(const QString& path) { m_secondDataset = path; }
    void setAttentionTarget(int example, int layer, int head);

    void start();

signals:
    /// The page shows the finished analysis (or there was nothing to run).
    void finished();

private:
    void begin();
    QString pageName() const;
    QString jobKind() const;

    MainWindow* m_window;
    QString m_page;
    QString m_run;
    QString m_secondDataset;
    int m_example = 0;
    int m_layer = 0;
    int m_head = 0;
    bool m_started = false;
};

} // namespace headscope::ui
