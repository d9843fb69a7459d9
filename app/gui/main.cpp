// headscope: the GUI. Parses the command line, sets up logging and wires the window.
#include "util/process_setup.h"
#include "jobs/evaluation_controller.h"
#include "main_window.h"
#include "model/encoder_model.h"
#include "session/session_state.h"
#include "pages/compare_page.h"
#include "page_script.h"
#include "demo/demo_location.h"
#include "io/seq2seq_config.h"
#include "jobs/translation_controller.h"
#include "pages/translation_page.h"
#include "session/demo_locator.h"
#include "translation_script.h"
#include "pages/start_page.h"
#include "util/logging.h"
#include "widgets/engine_status_widget.h"
#include "widgets/screenshot_trigger.h"
#include "session/session_store.h"

#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QTimer>
#include <QCommandLineParser>
#include <QSettings>
#include <QStandardPaths>

#include <cstdio>

using namespace headscope;

namespace {

// Every option, declared once for the GUI run and for --help (which runs without a display).
struct Options
{
    const QCommandLineOption model{QStringLiteral("model"), QStringLiteral("Hugging Face model folder to open (demo-translation: the bundled translation demo with its test set)."), QStringLiteral("DIR")};
    const QCommandLineOption data{QStringLiteral("data"), QStringLiteral("Dataset to open (TSV, CSV, JSONL)."), QStringLiteral("FILE")};
    const QCommandLineOption mask{QStringLiteral("mask"), QStringLiteral("Head mask applied once the model is loaded."), QStringLiteral("FILE")};
    const QCommandLineOption device{QStringLiteral("device"), QStringLiteral("cpu or cuda[:N]."), QStringLiteral("D")};
    const QCommandLineOption precision{QStringLiteral("precision"), QStringLiteral("fp32 or bf16."), QStringLiteral("P")};
    const QCommandLineOption format{QStringLiteral("format"), QStringLiteral("Dataset format: tsv, csv, jsonl (default: from the extension)."), QStringLiteral("F")};
    const QCommandLineOption textCol{QStringLiteral("text-col"), QStringLiteral("Text column (name or 0-based index)."), QStringLiteral("C")};
    const QCommandLineOption textBCol{QStringLiteral("text-b-col"), QStringLiteral("Second text column for pairs."), QStringLiteral("C")};
    const QCommandLineOption labelCol{QStringLiteral("label-col"), QStringLiteral("Label column."), QStringLiteral("C")};
    const QCommandLineOption hasHeader{QStringLiteral("has-header"), QStringLiteral("The first row is a header.")};
    const QCommandLineOption noHeader{QStringLiteral("no-header"), QStringLiteral("The first row is data.")};
    const QCommandLineOption screenshot{QStringLiteral("screenshot"), QStringLiteral("Grab the window to FILE after the first evaluation, then quit."), QStringLiteral("FILE")};
    const QCommandLineOption screenshotDelay{QStringLiteral("screenshot-delay-ms"), QStringLiteral("Grab at the latest after N ms (default 60000, 1500 without a model)."), QStringLiteral("N")};
    const QCommandLineOption page{QStringLiteral("page"), QStringLiteral("Show this page once the data is in: start, grid, heads, curves, latency, compare, attention, dynamics."), QStringLiteral("NAME")};
    const QCommandLineOption run{QStringLiteral("run"), QStringLiteral("Then run: importance, ablation, keep-one, entropy, curve, latency, compare, attention, dynamics (with --screenshot: grab when done)."), QStringLiteral("KIND")};
    const QCommandLineOption data2{QStringLiteral("data2"), QStringLiteral("Second dataset for the Compare page."), QStringLiteral("FILE")};
    const QCommandLineOption windowSize{QStringLiteral("window-size"), QStringLiteral("Window size, e.g. 1024x700 (for screenshots)."), QStringLiteral("WxH")};
    const QCommandLineOption demo{QStringLiteral("demo"), QStringLiteral("Open the bundled demo (what a first start does when nothing was opened before).")};
    // Not "--session": QGuiApplication takes -session for X11 session management.
    const QCommandLineOption session{QStringLiteral("open-session"), QStringLiteral("Open a session file (.headscope): its model, dataset, mask, results and view (also: a .headscope file given as an argument)."), QStringLiteral("FILE")};
    const QCommandLineOption restore{QStringLiteral("restore"), QStringLiteral("After a crash: restore the last autosaved session (yes), discard it (no) or ask (default)."), QStringLiteral("ask|yes|no"), QStringLiteral("ask")};
    const QCommandLineOption saveSessionAndQuit{QStringLiteral("save-session-and-quit"), QStringLiteral("Once the opened or restored session's jobs have all finished, save it to FILE and quit (scripted runs)."), QStringLiteral("FILE")};
    const QCommandLineOption src{QStringLiteral("src"), QStringLiteral("Translation models: source sentences, one per line (demo:test, demo:test_ood: the translation demo's)."), QStringLiteral("FILE")};
    const QCommandLineOption ref{QStringLiteral("ref"), QStringLiteral("Translation models: reference translations, one per line (demo:test, demo:test_ood: the translation demo's)."), QStringLiteral("FILE")};
    const QCommandLineOption tab{QStringLiteral("tab"), QStringLiteral("Translation page tab to show: heads, translations (with --mask: the sentences it changed), curves, dynamics."), QStringLiteral("NAME")};
    const QCommandLineOption subset{QStringLiteral("subset"), QStringLiteral("Translation ablation and dynamics (--run ablation|dynamics): the first N sentences only."), QStringLiteral("N")};
    const QCommandLineOption attention{QStringLiteral("attention"), QStringLiteral("Example (1-based), layer and head for the Attention page, e.g. 3:1:7."), QStringLiteral("E:L:H")};
};

void setUpParser(QCommandLineParser& parser, const Options& o)
{
    parser.setApplicationDescription(QStringLiteral("Explore which attention heads of a transformer classifier matter."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("A session file (.headscope) to open."), QStringLiteral("[FILE.headscope]"));
    parser.addVersionOption();
    parser.addOptions({o.model, o.data, o.mask, o.device, o.precision, o.format, o.textCol, o.textBCol, o.labelCol,
                       o.hasHeader, o.noHeader, o.screenshot, o.screenshotDelay, o.page, o.run, o.data2,
                       o.attention, o.windowSize, o.demo, o.session, o.restore, o.saveSessionAndQuit, o.src, o.ref,
                       o.tab, o.subset});
}

void setApplicationNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("HeadScope"));
    QCoreApplication::setApplicationName(QStringLiteral("HeadScope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HEADSCOPE_VERSION));
}

// --help and --version print and exit: they must work over ssh or in a container without a
// display, where creating a QApplication aborts.
bool wantsHelpOrVersion(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        if (arg == "--")
            break;
        if (arg == "-h" || arg == "--help" || arg == "-?" || arg == "--help-all" || arg == "-v" || arg == "--version")
            return true;
    }
    return false;
}

bool hasDisplay()
{
    return !qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") || !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

} // namespace

int main(int argc, char** argv)
{
    headscope::core::ensurePassiveOpenMpWait(argc, argv);
    headscope::core::limitMallocArenas(2); // a long-running process: see process_setup.h
    if (wantsHelpOrVersion(argc, argv)) {
        QCoreApplication app(argc, argv);
        setApplicationNames();
        QCommandLineParser parser;
        const Options o;
        setUpParser(parser, o);
        parser.process(app); // prints and exits
        return 0;
    }
    if (!hasDisplay()) {
        std::fprintf(stderr, "headscope: no display (DISPLAY and WAYLAND_DISPLAY are unset). Run it in a desktop "
                             "session, or set QT_QPA_PLATFORM=offscreen for screenshots; headscope-cli needs none.\n");
        return 1;
    }
    QApplication app(argc, argv);
    setApplicationNames();
    QApplication::setDesktopFileName(QStringLiteral("io.github.headscope.HeadScope"));

    QCommandLineParser parser;
    const Options o;
    setUpParser(parser, o);
    parser.process(app);

    const QByteArray logDirEnv = qgetenv("HEADSCOPE_LOG_DIR");
    const QString logDir = logDirEnv.isEmpty()
                               ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/logs")
                               : QString::fromLocal8Bit(logDirEnv);
    core::initLogging(logDir.toStdString());

    ui::MainWindow window;
    ui::SessionState* session = window.session();

    ui::EngineSettings settings = session->engineSettings();
    if (parser.isSet(o.device))
        settings.device = parser.value(o.device);
    if (parser.isSet(o.precision) && !core::parsePrecision(parser.value(o.precision).toStdString(), settings.precision)) {
        std::fprintf(stderr, "headscope: unknown precision '%s' (use fp32 or bf16)\n", qPrintable(parser.value(o.precision)));
        return 2;
    }
    session->setEngineSettings(settings); // not saved: command-line choices are for this run
    window.engineStatus()->startSpeedCheck();

    // A session left by a crash (or a kill) comes first: its sweeps resume where they stopped.
    ui::SessionStore* store = window.sessionStore();
    const QString restoreMode = parser.value(o.restore);
    if (restoreMode != QLatin1String("ask") && restoreMode != QLatin1String("yes") && restoreMode != QLatin1String("no")) {
        std::fprintf(stderr, "headscope: --restore wants ask, yes or no\n");
        return 2;
    }
    bool sessionOpened = false;
    const QStringList orphans = ui::SessionStore::orphanedAutosaves();
    if (!orphans.isEmpty() && restoreMode != QLatin1String("no")) {
        bool restore = restoreMode == QLatin1String("yes");
        if (restoreMode == QLatin1String("ask") && !parser.isSet(o.screenshot))
            restore = QMessageBox::question(nullptr, QObject::tr("Restore session"),
                                            QObject::tr("HeadScope did not exit cleanly last time. Restore the session "
                                                        "it autosaved (model, data, mask, finished analyses), and resume "
                                                        "the analyses that were running?\n\n%1")
                                                .arg(orphans.first()),
                                            QMessageBox::Yes | QMessageBox::No, QMessageBox::Yes) == QMessageBox::Yes;
        if (restore)
            sessionOpened = store->restore(orphans.first());
        if (!restore)
            QFile::remove(orphans.first());
    }
    QString sessionFile = parser.value(o.session);
    for (const QString& arg : parser.positionalArguments())
        if (arg.endsWith(QLatin1String(".headscope")))
            sessionFile = arg;
    if (!sessionFile.isEmpty() && !sessionOpened) {
        if (!store->open(sessionFile)) {
            std::fprintf(stderr, "headscope: cannot open the session %s\n", qPrintable(sessionFile));
            return 3;
        }
        sessionOpened = true;
    }
    if (parser.isSet(o.saveSessionAndQuit)) {
        // Quits once the session is applied and no job runs any more.
        const QString target = parser.value(o.saveSessionAndQuit);
        auto* poll = new QTimer(&window);
        QObject::connect(poll, &QTimer::timeout, &window, [store, session, target]() {
            if (store->isOpening() || session->runner()->isBusy() || !session->isReady()) return;
            const bool ok = store->saveAs(target);
            QApplication::exit(ok ? 0 : 1);
        });
        poll->start(200);
    }

    // A translation model (Marian) goes to the Translation page with its test set; --mask,
    // --page/--run/--tab and --screenshot then drive that page.
    bool translation = false;
    QString modelArgument = parser.value(o.model), sourceArgument = parser.value(o.src),
            referenceArgument = parser.value(o.ref);
    if (modelArgument == QLatin1String("demo-translation")) {
        const ui::TranslationDemoLocation demo = ui::findTranslationDemo();
        if (!demo.isValid()) {
            std::fprintf(stderr, "headscope: the bundled translation demo is not installed\n");
            return 2;
        }
        modelArgument = demo.modelDir;
        if (sourceArgument.isEmpty()) {
            sourceArgument = demo.testSource;
            referenceArgument = demo.testReference;
        }
    }
    // demo:test and demo:test_ood name the demo's test sets, as for headscope-cli.
    const std::string exeDir = core::executableDirectory();
    if (!sourceArgument.isEmpty())
        sourceArgument = QString::fromStdString(core::resolveTranslationDemoData(sourceArgument.toStdString(), false, exeDir));
    if (!referenceArgument.isEmpty())
        referenceArgument =
            QString::fromStdString(core::resolveTranslationDemoData(referenceArgument.toStdString(), true, exeDir));
    if (parser.isSet(o.model)) {
        const auto type = core::readModelType(modelArgument.toStdString());
        translation = type && core::isSeq2SeqModelType(*type);
    }
    if (translation) {
        ui::TranslationPage* page = window.translationPage();
        page->openModel(modelArgument, sourceArgument, referenceArgument);
        window.showPage(page);
        ui::TranslationScript* script = new ui::TranslationScript(page, parser.value(o.tab), parser.value(o.run),
                                                                  parser.value(o.mask), &window);
        QString error;
        if (!script->validate(&error)) {
            std::fprintf(stderr, "headscope: %s\n", qPrintable(error));
            return 2;
        }
        script->setAblationSubset(parser.value(o.subset).toInt());
        QObject::connect(script, &ui::TranslationScript::failed, &window, [](const QString& message) {
            std::fprintf(stderr, "headscope: %s\n", qPrintable(message));
        });
        script->start();
        if (parser.isSet(o.windowSize)) {
            const QStringList wh = parser.value(o.windowSize).split(QLatin1Char('x'));
            if (wh.size() == 2 && wh[0].toInt() >= 200 && wh[1].toInt() >= 200) window.resize(wh[0].toInt(), wh[1].toInt());
        }
        window.show();
        if (parser.isSet(o.screenshot)) {
            const int delay = parser.isSet(o.screenshotDelay) ? parser.value(o.screenshotDelay).toInt() : 600000;
            auto* trigger = new ui::ScreenshotTrigger(&window, parser.value(o.screenshot), delay, &window);
            QObject::connect(script, &ui::TranslationScript::finished, trigger, &ui::ScreenshotTrigger::triggerSoon);
            QObject::connect(script, &ui::TranslationScript::failed, trigger, &ui::ScreenshotTrigger::triggerSoon);
            QObject::connect(trigger, &ui::ScreenshotTrigger::finished, &app,
                             [](bool ok, const QString&) { QApplication::exit(ok ? 0 : 1); });
        }
        const int status = QApplication::exec();
        store->discardAutosave();
        return status;
    }
    if (parser.isSet(o.model))
        window.startPage()->openModel(parser.value(o.model));
    if (parser.isSet(o.mask))
        session->loadMaskFile(parser.value(o.mask));
    if (parser.isSet(o.data)) {
        core::DatasetOptions options;
        options.format = core::datasetFormatFromName(parser.value(o.format).toStdString());
        options.textColumn = parser.value(o.textCol).toStdString();
        options.textBColumn = parser.value(o.textBCol).toStdString();
        options.labelColumn = parser.value(o.labelCol).toStdString();
        if (parser.isSet(o.hasHeader) || parser.isSet(o.noHeader))
            options.hasHeader = parser.isSet(o.hasHeader);
        window.startPage()->openDataset(parser.value(o.data), options);
    }

    // A first start (nothing opened before, nothing asked for) lands on the demo with its head
    // importance computed, so that a newcomer sees a heatmap without a download.
    const bool nothingAsked = !parser.isSet(o.model) && !parser.isSet(o.data) && !sessionOpened;
    const bool asksPage = parser.isSet(o.page) || parser.isSet(o.run);
    const bool openDemo = parser.isSet(o.demo) || (nothingAsked && !asksPage && !window.startPage()->hasRecentFiles());
    bool demoOpened = false;
    if (openDemo && nothingAsked) {
        demoOpened = window.startPage()->openDemo();
        if (!demoOpened && parser.isSet(o.demo)) {
            std::fprintf(stderr, "headscope: the bundled demo is not installed\n");
            return 2;
        }
    }
    if (parser.isSet(o.data2))
        window.comparePage()->setSecondDataset(parser.value(o.data2));
    ui::PageScript* script = nullptr;
    if (asksPage || demoOpened) {
        const QString pageName = asksPage ? parser.value(o.page) : QStringLiteral("heads");
        const QString runName = asksPage ? parser.value(o.run) : QStringLiteral("importance");
        script = new ui::PageScript(&window, pageName, runName, &window);
        QString error;
        if (!script->validate(&error)) {
            std::fprintf(stderr, "headscope: %s\n", qPrintable(error));
            return 2;
        }
        script->setSecondDataset(parser.value(o.data2));
        if (parser.isSet(o.attention)) {
            const QStringList parts = parser.value(o.attention).split(QLatin1Char(':'));
            if (parts.size() != 3 || parts[0].toInt() < 1) {
                std::fprintf(stderr, "headscope: --attention wants EXAMPLE:LAYER:HEAD with a 1-based example, e.g. 3:1:7\n");
                return 2;
            }
            script->setAttentionTarget(parts[0].toInt() - 1, parts[1].toInt(), parts[2].toInt());
        }
    }

    if (parser.isSet(o.windowSize)) {
        const QStringList wh = parser.value(o.windowSize).split(QLatin1Char('x'));
        if (wh.size() != 2 || wh[0].toInt() < 200 || wh[1].toInt() < 200) {
            std::fprintf(stderr, "headscope: --window-size wants WIDTHxHEIGHT, e.g. 1024x700\n");
            return 2;
        }
        window.resize(wh[0].toInt(), wh[1].toInt());
    }
    window.show();
    if (script)
        script->start();

    if (parser.isSet(o.screenshot)) {
        const bool waitForEval = (parser.isSet(o.model) && parser.isSet(o.data)) || demoOpened;
        const int delay = parser.isSet(o.screenshotDelay) ? parser.value(o.screenshotDelay).toInt()
                          : script                     ? 600000
                          : waitForEval                ? 60000
                                                       : 1500;
        auto* trigger = new ui::ScreenshotTrigger(&window, parser.value(o.screenshot), delay, &window);
        if (script)
            QObject::connect(script, &ui::PageScript::finished, trigger, &ui::ScreenshotTrigger::triggerSoon);
        else if (waitForEval)
            QObject::connect(window.evaluation(), &ui::EvaluationController::evaluationFinished, trigger,
                             &ui::ScreenshotTrigger::triggerSoon);
        QObject::connect(trigger, &ui::ScreenshotTrigger::finished, &app,
                         [](bool ok, const QString&) { QApplication::exit(ok ? 0 : 1); });
    }
    const int status = QApplication::exec();
    store->discardAutosave(); // a clean exit leaves nothing to restore
    return status;
}
