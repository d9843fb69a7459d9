#include "main_window.h"

#include "export/export_actions.h"
#include "dialogs/settings_dialog.h"
#include "jobs/analysis_controller.h"
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
#include "model/encoder_model.h"
#include "widgets/engine_status_widget.h"
#include "widgets/message_bar.h"
#include "model/speed_check.h"
#include "session/user_guide.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDragEnterEvent>
#include <QHash>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
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

    buildMenus();
    connect(m_startPage, &StartPage::translationModelRequested, this, [this](const QString& dir) {
        m_translationPage->openModel(dir);
        showPage(m_translationPage);
    });
    connect(m_startPage, &StartPage::continueRequested, this, [this]() { showPage(m_headGridPage); });
    connect(m_startPage, &StartPage::demoOpened, this, [this](const QString& secondDataset, const QString& checkpoints) {
        m_comparePage->setSecondDataset(secondDataset);
        m_dynamicsPage->setCheckpointsDir(checkpoints);
    });
    connect(m_session, &SessionState::datasetChanged, this, &MainWindow::onDatasetReady);
    connect(m_session, &SessionState::modelChanged, this, &MainWindow::onDatasetReady);
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
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

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
    connect(dialog, &QDialog::accepted, this, [this, dialog]() {
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
    QMainWindow::closeEvent(event);
}

} // namespace headscope::ui
