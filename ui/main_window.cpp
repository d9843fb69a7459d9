#include "main_window.h"

#include "session/mask_history.h"
#include "session/session_store.h"

#include "export/export_actions.h"
#include "dialogs/settings_dialog.h"
#include "jobs/analysis_controller.h"
#include "jobs/cpu_fallback.h"
#include "jobs/evaluation_controller.h"
#include "session/session_state.h"
#include "pages/attention_page.h"
#include "pages/dynamics_page.h"
#include "pages/compare_page.h"
#include "pages/curves_page.h"
#include "pages/head_grid_page.h"
#include "pages/heads_page.h"
#include "pages/latency_page.h"
#include "pages/start_page.h"
#include "pages/translation_page.h"
#include "jobs/translation_controller.h"
#include "session/translation_session_link.h"
#include "model/encoder_model.h"
#include "widgets/engine_status_widget.h"
#include "widgets/message_bar.h"
#include "model/speed_check.h"
#include "session/user_guide.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHash>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QUrl>

// Resources live in a static library: reference them so the linker keeps them.
static void initHeadScopeResources()
{
    Q_INIT_RESOURCE(headscope);
}

namespace headscope::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_session(new SessionState(this))
    , m_evaluation(new EvaluationController(m_session, this))
    , m_sidebar(new QListWidget(this))
    , m_pages(new QStackedWidget(this))
{
    initHeadScopeResources();
    m_analysis = new AnalysisController(m_session, this);
    setWindowTitle(tr("HeadScope"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/headscope.svg")));
    setAcceptDrops(true);

    QSettings settings;
    m_session->setEngineSettings(EngineSettings::load(settings));

    m_sidebar->setObjectName(QStringLiteral("pageSidebar"));
    m_sidebar->setIconSize(QSize(22, 22));
    m_sidebar->setFixedWidth(168);
    m_sidebar->setFrameShape(QFrame::NoFrame);
    m_sidebar->setAccessibleName(tr("Pages"));
    m_sidebar->setStyleSheet(QStringLiteral(
        "#pageSidebar { background: #eef1f5; border-right: 1px solid #d5dae1; padding-top: 8px; }"
        "#pageSidebar::item { padding: 9px 10px; margin: 1px 6px; border-radius: 4px; color: #263238; }"
        "#pageSidebar::item:selected { background: #d6e4f5; color: #0d3c73; font-weight: bold; }"
        "#pageSidebar::item:hover:!selected { background: #e3e8ef; }"));
    connect(m_sidebar, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_sidebar);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_startPage = new StartPage(m_session, this);
    m_headGridPage = new HeadGridPage(m_session, m_evaluation, this);
    addPage(m_startPage, QIcon(QStringLiteral(":/icons/start.svg")), tr("Start"));
    addPage(m_headGridPage, QIcon(QStringLiteral(":/icons/heads.svg")), tr("Head Grid"));
    m_headsPage = new HeadsPage(m_session, m_analysis, this);
    m_curvesPage = new CurvesPage(m_session, m_analysis, this);
    m_latencyPage = new LatencyPage(m_session, m_analysis, this);
    m_comparePage = new ComparePage(m_session, m_analysis, this);
    m_attentionPage = new AttentionPage(m_session, m_analysis, this);
    m_dynamicsPage = new DynamicsPage(m_session, m_analysis, this);
    addPage(m_headsPage, QIcon(QStringLiteral(":/icons/heatmap.svg")), tr("Heads"));
    addPage(m_curvesPage, QIcon(QStringLiteral(":/icons/curves.svg")), tr("Curves"));
    addPage(m_latencyPage, QIcon(QStringLiteral(":/icons/latency.svg")), tr("Latency"));
    addPage(m_comparePage, QIcon(QStringLiteral(":/icons/compare.svg")), tr("Compare"));
    addPage(m_attentionPage, QIcon(QStringLiteral(":/icons/attention.svg")), tr("Attention"));
    addPage(m_dynamicsPage, QIcon(QStringLiteral(":/icons/dynamics.svg")), tr("Dynamics"));
    m_translation = new TranslationController(m_session->runner(), this);
    m_translation->setLoadOptions(m_session->engineSettings().loadOptions());
    m_translation->setBatchSize(m_session->engineSettings().batchSize);
    connect(m_session, &SessionState::engineSettingsChanged, m_translation, [this](const EngineSettings& s) {
        m_translation->setLoadOptions(s.loadOptions());
        m_translation->setBatchSize(s.batchSize);
    });
    m_translationPage = new TranslationPage(m_translation, this);
    addPage(m_translationPage, QIcon(QStringLiteral(":/icons/heatmap.svg")), tr("Translation"));
    connect(m_headsPage, &HeadsPage::attentionRequested, this, [this](int layer, int head) {
        m_attentionPage->showHead(layer, head);
        showPage(m_attentionPage);
    });
    m_export = new ExportActions(m_session, m_analysis, this, [this]() { return currentPage(); });
    m_sidebar->setCurrentRow(0);

    m_engineStatus = new EngineStatusWidget(m_session, this);
    statusBar()->addPermanentWidget(m_engineStatus);
    statusBar()->setSizeGripEnabled(true);

    m_sessionStore = new SessionStore(m_session, m_analysis, this);
    m_sessionStore->setTranslationLink(new TranslationSessionLink(m_translation, this));
    m_maskHistory = new MaskHistory(m_session, this);
    connectSessionStore();
    buildMenus();
    connect(m_startPage, &StartPage::translationModelRequested, this,
            [this](const QString& dir, const QString& source, const QString& reference) {
        m_translationPage->openModel(dir, source, reference);
        showPage(m_translationPage);
    });
    connect(m_startPage, &StartPage::continueRequested, this, [this]() { showPage(m_headGridPage); });
    connect(m_startPage, &StartPage::demoOpened, this, [this](const QString& secondDataset, const QString& checkpoints) {
        m_comparePage->setSecondDataset(secondDataset);
        m_dynamicsPage->setCheckpointsDir(checkpoints);
    });
    connect(m_session, &SessionState::datasetChanged, this, &MainWindow::onDatasetReady);
    connect(m_session, &SessionState::modelChanged, this, &MainWindow::onDatasetReady);
    // A job that does not fit in the GPU's memory: offer to run it on the CPU.
    m_cpuFallback = new CpuFallback(m_session, m_analysis, m_translation, this);
    connect(m_analysis, &AnalysisController::outOfDeviceMemory, this, &MainWindow::offerCpu);
    connect(m_translation, &TranslationController::outOfDeviceMemory, this, &MainWindow::offerCpu);
    connect(m_session, &SessionState::outOfDeviceMemory, this, &MainWindow::offerCpu);
    connect(m_evaluation, &EvaluationController::outOfDeviceMemory, this, &MainWindow::offerCpu);
    connect(m_cpuFallback, &CpuFallback::restarted, this, [this](const QString&) {
        statusBar()->showMessage(tr("Running again on the CPU."), 10000);
    });
    connect(m_cpuFallback, &CpuFallback::notRestarted, this, [this](const QString&, const QString& reason) {
        statusBar()->showMessage(reason, 15000);
    });
    connect(m_session, &SessionState::errorOccurred, this, [this](const QString& kind, const QString&) {
        // Loading errors are shown on the start page: bring it up so they are seen.
        if (kind == SessionState::kLoadModelJob || kind == SessionState::kLoadDataJob)
            showPage(m_startPage);
    });

    resize(1360, 860);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
}

MainWindow::~MainWindow() = default;

int MainWindow::addPage(QWidget* page, const QIcon& icon, const QString& title)
{
    const int index = m_pages->addWidget(page);
    new QListWidgetItem(icon, title, m_sidebar);
    // Ctrl+1..9 go to the first nine pages, shown in the Go menu.
    if (!m_goMenu)
        m_goMenu = new QMenu(tr("&Go"), this);
    QAction* go = m_goMenu->addAction(icon, title, this, [this, page]() { showPage(page); });
    if (index < 9)
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
    return index;
}

void MainWindow::showPage(QWidget* page)
{
    const int index = m_pages->indexOf(page);
    if (index >= 0)
        m_sidebar->setCurrentRow(index);
}

QWidget* MainWindow::pageNamed(const QString& name) const
{
    const QHash<QString, QWidget*> pages{{QStringLiteral("start"), m_startPage},     {QStringLiteral("grid"), m_headGridPage},
                                         {QStringLiteral("heads"), m_headsPage},     {QStringLiteral("curves"), m_curvesPage},
                                         {QStringLiteral("latency"), m_latencyPage}, {QStringLiteral("compare"), m_comparePage},
                                         {QStringLiteral("attention"), m_attentionPage}, {QStringLiteral("dynamics"), m_dynamicsPage},
                                         {QStringLiteral("translation"), m_translationPage}};
    return pages.value(name.toLower());
}

QWidget* MainWindow::currentPage() const
{
    return m_pages->currentWidget();
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(QIcon(QStringLiteral(":/icons/folder-model.svg")), tr("Open &Model Folder…"), QKeySequence::Open,
                    m_startPage, &StartPage::chooseModel);
    file->addAction(QIcon(QStringLiteral(":/icons/dataset.svg")), tr("Open &Dataset…"),
                    QKeySequence(Qt::CTRL | Qt::Key_D), m_startPage, &StartPage::chooseDataset);
    file->addAction(QIcon(QStringLiteral(":/icons/folder-model.svg")), tr("Open &Translation Model…"), this, [this]() {
        showPage(m_translationPage);
        m_translationPage->chooseModel();
    });
    file->addAction(tr("&Load Mask…"), QKeySequence(Qt::CTRL | Qt::Key_M), m_headGridPage,
                    &HeadGridPage::chooseMaskFile);
    file->addMenu(m_export->menu());
    file->addSeparator();
    file->addAction(tr("Open &Session…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), this,
                    &MainWindow::chooseSessionToOpen);
    m_recentSessionsMenu = file->addMenu(tr("&Recent Sessions"));
    refreshRecentSessions();
    file->addAction(tr("&Save Session"), QKeySequence::Save, this, &MainWindow::saveSession);
    file->addAction(tr("Save Session &As…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this,
                    &MainWindow::chooseSessionFile);
    file->addAction(tr("Re-run Session &Analyses"), this, &MainWindow::rerunSessionAnalyses);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = edit->addAction(tr("&Undo Mask Edit"), QKeySequence(Qt::CTRL | Qt::Key_Z), m_maskHistory,
                                    &MaskHistory::undo);
    QAction* redo = edit->addAction(tr("&Redo Mask Edit"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), m_maskHistory,
                                    &MaskHistory::redo);
    undo->setObjectName(QStringLiteral("actionUndoMask"));
    redo->setObjectName(QStringLiteral("actionRedoMask"));
    auto updateUndo = [this, undo, redo]() {
        undo->setEnabled(m_maskHistory->canUndo());
        redo->setEnabled(m_maskHistory->canRedo());
    };
    connect(m_maskHistory, &MaskHistory::changed, this, updateUndo);
    updateUndo();

    QMenu* mask = menuBar()->addMenu(tr("&Mask"));
    mask->addAction(QIcon(QStringLiteral(":/icons/reset.svg")), tr("&Reset Mask"), QKeySequence(Qt::CTRL | Qt::Key_R),
                    m_session, &SessionState::resetMask);
    mask->addAction(tr("&Cancel Evaluation"), QKeySequence(Qt::Key_Escape), m_evaluation, &EvaluationController::cancel);

    if (m_goMenu)
        menuBar()->addMenu(m_goMenu);

    QMenu* settings = menuBar()->addMenu(tr("&Settings"));
    settings->addAction(QIcon(QStringLiteral(":/icons/settings.svg")), tr("&Engine…"), QKeySequence::Preferences, this,
                        &MainWindow::showSettings);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&User Guide"), QKeySequence::HelpContents, this, &MainWindow::showUserGuide);
    help->addAction(tr("&About HeadScope"), this, &MainWindow::showAbout);
}

// --- sessions ---------------------------------------------------------------------------------

QString MainWindow::currentPageName() const
{
    for (const QString& name : {QStringLiteral("start"), QStringLiteral("grid"), QStringLiteral("heads"),
                                QStringLiteral("curves"), QStringLiteral("latency"), QStringLiteral("compare"),
                                QStringLiteral("attention"), QStringLiteral("dynamics"), QStringLiteral("translation")})
        if (pageNamed(name) == currentPage())
            return name;
    return {};
}

void MainWindow::connectSessionStore()
{
    m_sessionStore->setViewHooks(
        [this]() {
            SessionStore::Json view;
            view["page"] = currentPageName().toStdString();
            view["window"] = {width(), height()};
            view["translation_tab"] = m_translationPage->tabs()->currentIndex();
            return view;
        },
        [this](const SessionStore::Json& view) {
            if (view.contains("translation_tab") && view["translation_tab"].is_number_integer()) {
                const int64_t tab = view["translation_tab"].get<int64_t>();
                if (tab >= 0 && tab < m_translationPage->tabs()->count()) m_translationPage->tabs()->setCurrentIndex(int(tab));
            }
            if (view.contains("page") && view["page"].is_string())
                if (QWidget* page = pageNamed(QString::fromStdString(view["page"].get<std::string>()))) {
                    m_autoShowGrid = false; // the saved page wins over the grid shown after loading
                    showPage(page);
                }
        });
    auto report = [this](const QString&, const QString& message, bool error) {
        statusBar()->showMessage(message, 15000);
        if (error)
            m_startPage->messageBar()->showError(message, QStringLiteral("session"));
        else
            m_startPage->messageBar()->showWarning(message, QStringLiteral("session"));
    };
    connect(m_sessionStore, &SessionStore::errorOccurred, this,
            [report](const QString& kind, const QString& message) { report(kind, message, true); });
    connect(m_sessionStore, &SessionStore::warningOccurred, this,
            [report](const QString& kind, const QString& message) { report(kind, message, false); });
    connect(m_sessionStore, &SessionStore::resumed, this,
            [this](const QString&, const QString& what) { statusBar()->showMessage(what, 15000); });
    connect(m_sessionStore, &SessionStore::saved, this,
            [this](const QString& path) { statusBar()->showMessage(tr("Session saved to %1").arg(path), 5000); });
    connect(m_sessionStore, &SessionStore::filePathChanged, this, [this](const QString& path) {
        setWindowTitle(path.isEmpty() ? tr("HeadScope") : tr("%1 — HeadScope").arg(QFileInfo(path).fileName()));
    });
    connect(m_sessionStore, &SessionStore::recentChanged, this, &MainWindow::refreshRecentSessions);
    connect(m_startPage, &StartPage::sessionRequested, m_sessionStore, &SessionStore::open);
}

void MainWindow::refreshRecentSessions()
{
    const QStringList paths = m_sessionStore->recentSessions().existingPaths();
    m_startPage->setRecentSessions(paths);
    if (!m_recentSessionsMenu)
        return;
    m_recentSessionsMenu->clear();
    for (const QString& path : paths)
        m_recentSessionsMenu->addAction(QFileInfo(path).fileName() + QStringLiteral("  —  ") + path, this,
                                        [this, path]() { m_sessionStore->open(path); });
    m_recentSessionsMenu->setEnabled(!paths.isEmpty());
}

void MainWindow::chooseSessionToOpen()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Session"), QString(),
                                                      tr("HeadScope sessions (*.headscope);;All files (*)"));
    if (!path.isEmpty())
        m_sessionStore->open(path);
}

void MainWindow::saveSession()
{
    if (m_sessionStore->filePath().isEmpty())
        chooseSessionFile();
    else
        m_sessionStore->save();
}

void MainWindow::chooseSessionFile()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Save Session As"), m_sessionStore->filePath(),
                                                tr("HeadScope sessions (*.headscope)"));
    if (path.isEmpty())
        return;
    if (!path.endsWith(QStringLiteral(".headscope")))
        path += QStringLiteral(".headscope");
    m_sessionStore->saveAs(path);
}

void MainWindow::rerunSessionAnalyses()
{
    const QStringList kinds = m_sessionStore->analysisKinds();
    if (kinds.contains(QStringLiteral("importance")) && m_analysis->importance().isValid())
        m_analysis->runImportance(m_analysis->importance()->params.method, m_analysis->importance()->params.normalization);
    if (kinds.contains(QStringLiteral("ablation")))
        m_analysis->runAblation(core::AblationMode::SingleHead);
    else if (kinds.contains(QStringLiteral("keep_one")))
        m_analysis->runAblation(core::AblationMode::KeepOne);
    if (kinds.contains(QStringLiteral("entropy")))
        m_analysis->runEntropy();
    if (kinds.contains(QStringLiteral("prune_curves")))
        m_analysis->runCurves(m_analysis->lastCurveRequest());
}

void MainWindow::offerCpu(const QString& kind, const QString& message)
{
    // Several jobs failing together (the live evaluation and an analysis) share one question.
    // (A closed one may wait for its deferred delete: it no longer counts.)
    if (m_cpuOffer && m_cpuOffer->isVisible()) {
        if (!m_cpuOfferKinds.contains(kind)) m_cpuOfferKinds << kind;
        return;
    }
    m_cpuOfferKinds = QStringList{kind};
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Not enough GPU memory"),
                                tr("%1\n\nRun it on the CPU instead? The engine switches to the CPU (Settings > "
                                   "Engine… switches back) and the job starts again.").arg(message),
                                QMessageBox::NoButton, this);
    box->setObjectName(QStringLiteral("cpuOffer"));
    QPushButton* cpu = box->addButton(tr("Run on CPU"), QMessageBox::AcceptRole);
    cpu->setObjectName(QStringLiteral("runOnCpu"));
    box->addButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(cpu, &QPushButton::clicked, m_cpuFallback, [this]() {
        for (const QString& k : std::as_const(m_cpuOfferKinds))
            m_cpuFallback->runOnCpu(k);
    });
    m_cpuOffer = box;
    box->open();
}

void MainWindow::showUserGuide()
{
    const QString guide = findUserGuide();
    if (guide.isEmpty() || !QDesktopServices::openUrl(QUrl::fromLocalFile(guide)))
        QMessageBox::information(this, tr("User guide"),
                                 guide.isEmpty() ? tr("The user guide (user-guide.md) is not installed.")
                                                 : tr("No program to open %1 was found.").arg(guide));
}

QString MainWindow::aboutText() const
{
    const auto model = m_session->model();
    const QString device = model ? QString::fromStdString(model->deviceName()) : m_session->engineSettings().device;
    return tr("<h3>HeadScope %1</h3>"
              "<p>Explore which attention heads of a transformer classifier matter, after Michel, Levy &amp; "
              "Neubig (2019), <a href=\"https://arxiv.org/abs/1905.10650\"><i>Are Sixteen Heads Really Better "
              "than One?</i></a> (NeurIPS 2019, arXiv:1905.10650).</p>"
              "<p>Engine: LibTorch %2<br>BLAS: %3<br>Device: %4</p>")
        .arg(QApplication::applicationVersion().toHtmlEscaped(),
             QString::fromStdString(core::torchVersion()).toHtmlEscaped(),
             QString::fromStdString(core::blasLibraryInUse()).toHtmlEscaped(), device.toHtmlEscaped());
}

void MainWindow::onDatasetReady()
{
    if (m_autoShowGrid && m_session->isReady() && currentPage() == m_startPage) {
        m_autoShowGrid = false;
        showPage(m_headGridPage);
    }
}

void MainWindow::showSettings()
{
    auto* dialog = new SettingsDialog(m_session->engineSettings(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAutosaveSeconds(m_sessionStore->autosaveInterval());
    connect(dialog, &QDialog::accepted, this, [this, dialog]() {
        m_sessionStore->setAutosaveInterval(dialog->autosaveSeconds());
        const EngineSettings s = dialog->settings();
        QSettings settings;
        s.save(settings);
        m_session->setEngineSettings(s);
    });
    dialog->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About HeadScope"), aboutText());
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    for (const auto& url : urls) {
        if (url.isLocalFile())
            m_startPage->openPath(url.toLocalFile());
    }
    event->acceptProposedAction();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    m_session->runner()->cancelAll();
    // A clean exit: nothing to restore at the next start.
    m_sessionStore->discardAutosave();
    QMainWindow::closeEvent(event);
}

} // namespace headscope::ui
