// headscope: the GUI. Parses the command line, sets up logging and wires the window.
#include "util/process_setup.h"
#include "jobs/evaluation_controller.h"
#include "main_window.h"
#include "model/encoder_model.h"
#include "session/session_state.h"
#include "pages/compare_page.h"
#include "page_script.h"
#include "pages/start_page.h"
#include "util/logging.h"
#include "widgets/engine_status_widget.h"
#include "widgets/screenshot_trigger.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QStandardPaths>

#include <cstdio>

using namespace headscope;

int main(int argc, char** argv)
{
    headscope::core::ensurePassiveOpenMpWait(argc, argv);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("HeadScope"));
    QApplication::setApplicationName(QStringLiteral("HeadScope"));
    QApplication::setApplicationVersion(QStringLiteral(HEADSCOPE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.headscope.HeadScope"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Explore which attention heads of a transformer classifier matter."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("Hugging Face model folder to open."), QStringLiteral("DIR"));
    const QCommandLineOption data(QStringLiteral("data"), QStringLiteral("Dataset to open (TSV, CSV, JSONL)."), QStringLiteral("FILE"));
    const QCommandLineOption mask(QStringLiteral("mask"), QStringLiteral("Head mask applied once the model is loaded."), QStringLiteral("FILE"));
    const QCommandLineOption device(QStringLiteral("device"), QStringLiteral("cpu or cuda[:N]."), QStringLiteral("D"));
    const QCommandLineOption precision(QStringLiteral("precision"), QStringLiteral("fp32 or bf16."), QStringLiteral("P"));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("Dataset format: tsv, csv, jsonl (default: from the extension)."), QStringLiteral("F"));
    const QCommandLineOption textCol(QStringLiteral("text-col"), QStringLiteral("Text column (name or 0-based index)."), QStringLiteral("C"));
    const QCommandLineOption textBCol(QStringLiteral("text-b-col"), QStringLiteral("Second text column for pairs."), QStringLiteral("C"));
    const QCommandLineOption labelCol(QStringLiteral("label-col"), QStringLiteral("Label column."), QStringLiteral("C"));
    const QCommandLineOption hasHeader(QStringLiteral("has-header"), QStringLiteral("The first row is a header."));
    const QCommandLineOption noHeader(QStringLiteral("no-header"), QStringLiteral("The first row is data."));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"), QStringLiteral("Grab the window to FILE after the first evaluation, then quit."), QStringLiteral("FILE"));
    const QCommandLineOption screenshotDelay(QStringLiteral("screenshot-delay-ms"), QStringLiteral("Grab at the latest after N ms (default 60000, 1500 without a model)."), QStringLiteral("N"));
    const QCommandLineOption page(QStringLiteral("page"), QStringLiteral("Show this page once the data is in: start, grid, heads, curves, latency, compare, attention, dynamics."), QStringLiteral("NAME"));
    const QCommandLineOption run(QStringLiteral("run"), QStringLiteral("Then run: importance, ablation, keep-one, entropy, curve, latency, compare, attention, dynamics (with --screenshot: grab when done)."), QStringLiteral("KIND"));
    const QCommandLineOption data2(QStringLiteral("data2"), QStringLiteral("Second dataset for the Compare page."), QStringLiteral("FILE"));
    const QCommandLineOption demo(QStringLiteral("demo"), QStringLiteral("Open the bundled demo (what a first start does when nothing was opened before)."));
    const QCommandLineOption attention(QStringLiteral("attention"), QStringLiteral("Example (1-based), layer and head for the Attention page, e.g. 3:1:7."), QStringLiteral("E:L:H"));
    parser.addOptions({model, data, mask, device, precision, format, textCol, textBCol, labelCol, hasHeader, noHeader,
                       screenshot, screenshotDelay, page, run, data2, attention, demo});
    parser.process(app);

    const QByteArray logDirEnv = qgetenv("HEADSCOPE_LOG_DIR");
    const QString logDir = logDirEnv.isEmpty()
                               ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/logs")
                               : QString::fromLocal8Bit(logDirEnv);
    core::initLogging(logDir.toStdString());

    ui::MainWindow window;
    ui::SessionState* session = window.session();

    ui::EngineSettings settings = session->engineSettings();
    if (parser.isSet(device))
        settings.device = parser.value(device);
    if (parser.isSet(precision) && !core::parsePrecision(parser.value(precision).toStdString(), settings.precision)) {
        std::fprintf(stderr, "headscope: unknown precision '%s' (use fp32 or bf16)\n", qPrintable(parser.value(precision)));
        return 2;
    }
    session->setEngineSettings(settings); // not saved: command-line choices are for this run
    window.engineStatus()->startSpeedCheck();

    if (parser.isSet(model))
        window.startPage()->openModel(parser.value(model));
    if (parser.isSet(mask))
        session->loadMaskFile(parser.value(mask));
    if (parser.isSet(data)) {
        core::DatasetOptions options;
        options.format = core::datasetFormatFromName(parser.value(format).toStdString());
        options.textColumn = parser.value(textCol).toStdString();
        options.textBColumn = parser.value(textBCol).toStdString();
        options.labelColumn = parser.value(labelCol).toStdString();
        if (parser.isSet(hasHeader) || parser.isSet(noHeader))
            options.hasHeader = parser.isSet(hasHeader);
        window.startPage()->openDataset(parser.value(data), options);
    }

    // A first start (nothing opened before, nothing asked for) lands on the demo with its head
    // importance computed, so that a newcomer sees a heatmap without a download.
    const bool nothingAsked = !parser.isSet(model) && !parser.isSet(data);
    const bool openDemo = parser.isSet(demo) || (nothingAsked && !window.startPage()->hasRecentFiles() &&
                                                 !parser.isSet(page) && !parser.isSet(run));
    bool demoOpened = false;
    if (openDemo && nothingAsked) {
        demoOpened = window.startPage()->openDemo();
        if (!demoOpened && parser.isSet(demo)) {
            std::fprintf(stderr, "headscope: the bundled demo is not installed\n");
            return 2;
        }
    }
    if (parser.isSet(data2))
        window.comparePage()->setSecondDataset(parser.value(data2));
    ui::PageScript* script = nullptr;
    if (parser.isSet(page) || parser.isSet(run) || demoOpened) {
        const QString pageName = parser.isSet(page) || parser.isSet(run) ? parser.value(page) : QStringLiteral("heads");
        const QString runName = parser.isSet(page) || parser.isSet(run) ? parser.value(run) : QStringLiteral("importance");
        script = new ui::PageScript(&window, pageName, runName, &window);
        QString error;
        if (!script->validate(&error)) {
            std::fprintf(stderr, "headscope: %s\n", qPrintable(error));
            return 2;
        }
        script->setSecondDataset(parser.value(data2));
        if (parser.isSet(attention)) {
            const QStringList parts = parser.value(attention).split(QLatin1Char(':'));
            if (parts.size() != 3 || parts[0].toInt() < 1) {
                std::fprintf(stderr, "headscope: --attention wants EXAMPLE:LAYER:HEAD with a 1-based example, e.g. 3:1:7\n");
                return 2;
            }
            script->setAttentionTarget(parts[0].toInt() - 1, parts[1].toInt(), parts[2].toInt());
        }
    }

    window.show();
    if (script)
        script->start();

    if (parser.isSet(screenshot)) {
        const bool waitForEval = (parser.isSet(model) && parser.isSet(data)) || demoOpened;
        const int delay = parser.isSet(screenshotDelay) ? parser.value(screenshotDelay).toInt()
                          : script                     ? 600000
                          : waitForEval                ? 60000
                                                       : 1500;
        auto* trigger = new ui::ScreenshotTrigger(&window, parser.value(screenshot), delay, &window);
        if (script)
            QObject::connect(script, &ui::PageScript::finished, trigger, &ui::ScreenshotTrigger::triggerSoon);
        else if (waitForEval)
            QObject::connect(window.evaluation(), &ui::EvaluationController::evaluationFinished, trigger,
                             &ui::ScreenshotTrigger::triggerSoon);
        QObject::connect(trigger, &ui::ScreenshotTrigger::finished, &app,
                         [](bool ok, const QString&) { QApplication::exit(ok ? 0 : 1); });
    }
    return QApplication::exec();
}
