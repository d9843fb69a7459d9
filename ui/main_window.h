#pragma once
// The window: a sidebar of pages on the left, the pages in a stack, the engine status below.
// MainWindow only composes pages and connects them; each page is one class.
//
// Adding a page is one line (pages take the shared SessionState):
//   window->addPage(new HeadsPage(window->session()), QIcon(":/icons/heatmap.svg"), tr("Heads"));
#include <QMainWindow>
#include <QPointer>
#include <QStringList>

class QListWidget;
class QMenu;
class QMessageBox;
class QStackedWidget;

namespace headscope::ui {

class AnalysisController;
class AttentionPage;
class DynamicsPage;
class ComparePage;
class CurvesPage;
class CpuFallback;
class EngineStatusWidget;
class EvaluationController;
class HeadGridPage;
class ExportActions;
class HeadsPage;
class LatencyPage;
class MaskHistory;
class SessionStore;
class SessionState;
class StartPage;
class TranslationController;
class TranslationPage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Shared by every page: model, dataset, mask, job runner, head model.
    SessionState* session() const { return m_session; }
    EvaluationController* evaluation() const { return m_evaluation; }
    StartPage* startPage() const { return m_startPage; }
    HeadGridPage* headGridPage() const { return m_headGridPage; }
    EngineStatusWidget* engineStatus() const { return m_engineStatus; }
    /// Runs the analyses of the Heads, Curves, Latency, Compare and Attention pages.
    AnalysisController* analysis() const { return m_analysis; }
    HeadsPage* headsPage() const { return m_headsPage; }
    CurvesPage* curvesPage() const { return m_curvesPage; }
    LatencyPage* latencyPage() const { return m_latencyPage; }
    ComparePage* comparePage() const { return m_comparePage; }
    AttentionPage* attentionPage() const { return m_attentionPage; }
    DynamicsPage* dynamicsPage() const { return m_dynamicsPage; }
    /// Translation models (Marian): the three attention types, live BLEU, translations, curves.
    TranslationPage* translationPage() const { return m_translationPage; }
    TranslationController* translation() const { return m_translation; }
    ExportActions* exportActions() const { return m_export; }
    /// Session files: save, open, autosave, restore after a crash.
    SessionStore* sessionStore() const { return m_sessionStore; }
    /// Undo/redo of mask edits.
    MaskHistory* maskHistory() const { return m_maskHistory; }
    /// The short name of the page shown now (as pageNamed takes it).
    QString currentPageName() const;
    /// A page by its short name (start, grid, heads, curves, latency, compare, attention); null if unknown.
    QWidget* pageNamed(const QString& name) const;

    /// Appends a page to the sidebar; returns its index.
    int addPage(QWidget* page, const QIcon& icon, const QString& title);
    void showPage(QWidget* page);
    QWidget* currentPage() const;

    /// Shows the head grid once a model and a dataset are loaded (unless the user moved on).
    void setAutoShowHeadGrid(bool on) { m_autoShowGrid = on; }

    /// Help > About: paper (with link), version, LibTorch version, BLAS, device.
    QString aboutText() const;

public slots:
    void showSettings();
    void showAbout();
    /// Help > User Guide (F1): opens docs/user-guide.md.
    void showUserGuide();
    /// File > Open Session…, Save Session, Save Session As…
    void chooseSessionToOpen();
    void saveSession();
    void chooseSessionFile();
    /// A job did not fit in the GPU's memory: offers to switch to the CPU and run it again.
    void offerCpu(const QString& kind, const QString& message);
    /// Runs again every analysis the session holds (after its model or data changed).
    void rerunSessionAnalyses();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void connectSessionStore();
    void refreshRecentSessions();
    void onDatasetReady();

    SessionState* m_session;
    EvaluationController* m_evaluation;
    CpuFallback* m_cpuFallback = nullptr;
    QPointer<QMessageBox> m_cpuOffer; // the open "Run on CPU" question, if any
    QStringList m_cpuOfferKinds;      // the jobs it would run again
    QListWidget* m_sidebar;
    QStackedWidget* m_pages;
    StartPage* m_startPage;
    HeadGridPage* m_headGridPage;
    EngineStatusWidget* m_engineStatus;
    AnalysisController* m_analysis;
    HeadsPage* m_headsPage;
    CurvesPage* m_curvesPage;
    LatencyPage* m_latencyPage;
    ComparePage* m_comparePage;
    AttentionPage* m_attentionPage;
    DynamicsPage* m_dynamicsPage;
    TranslationController* m_translation;
    TranslationPage* m_translationPage;
    ExportActions* m_export;
    SessionStore* m_sessionStore = nullptr;
    MaskHistory* m_maskHistory = nullptr;
    QMenu* m_recentSessionsMenu = nullptr;
    bool m_autoShowGrid = true;
    QMenu* m_goMenu = nullptr; // Go > page, Ctrl+1..9
};

} // namespace headscope::ui
