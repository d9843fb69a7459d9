// bench_gui: how fast the head grid answers a click. Writes a small random BERT (4 layers,
// 8 heads, hidden 256 by default) and a dataset, opens them in the real MainWindow through
// SessionState, waits for the baseline, then toggles heads through HeadTableModel::setData as a
// click does and measures, per click:
//   (a) click -> first partial accuracy delivered to the UI thread,
//   (b) the longest gap between ticks of a 5 ms QTimer on the UI thread while it evaluates,
//   (c) click -> final accuracy.
// Twice: clicks on an idle engine (each waits for the previous final number), then clicks that
// land while the previous click's evaluation runs (the running batch must end first).
// Targets (issue 3, section 6): (a) <= 200 ms, (b) <= 50 ms. Figures only, no asserts.
//
//   QT_QPA_PLATFORM=offscreen build/bench/gui/bench_gui --clicks 20 --examples 500
#include "jobs/evaluation_controller.h"
#include "main_window.h"
#include "model/encoder_model.h"
#include "models/head_table_model.h"
#include "session/session_state.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"
#include "util/error.h"
#include "util/process_setup.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

using namespace headscope;
using namespace headscope::ui;

namespace {

/// The calling thread's time on a CPU and time spent runnable but waiting for one, from
/// /proc/thread-self/schedstat (Linux); zeros when it cannot be read.
struct ThreadUsage
{
    qint64 cpuNs = 0;
    qint64 runQueueNs = 0;
    static ThreadUsage now()
    {
        ThreadUsage u;
        if (FILE* f = std::fopen("/proc/thread-self/schedstat", "r")) {
            long long cpu = 0, wait = 0;
            if (std::fscanf(f, "%lld %lld", &cpu, &wait) == 2) {
                u.cpuNs = cpu;
                u.runQueueNs = wait;
            }
            std::fclose(f);
        }
        return u;
    }
};

/// Ticks every few ms on the UI thread; the longest gap between two ticks is the worst stall.
/// For that gap it also keeps how long the UI thread ran and how long it was runnable but had
/// no core, which tells work done on the UI thread apart from other threads taking the CPUs.
class StallProbe
{
public:
    explicit StallProbe(int intervalMs)
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(intervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this]() {
            const qint64 now = m_clock.nsecsElapsed();
            const ThreadUsage usage = ThreadUsage::now();
            if (m_last >= 0 && now - m_last > m_maxGapNs) {
                m_maxGapNs = now - m_last;
                m_maxGapCpuNs = usage.cpuNs - m_lastUsage.cpuNs;
                m_maxGapWaitNs = usage.runQueueNs - m_lastUsage.runQueueNs;
            }
            m_last = now;
            m_lastUsage = usage;
        });
        m_clock.start();
        m_timer.start();
    }
    /// Starts a new measuring window; the gap before this call does not count.
    void reset()
    {
        m_last = m_clock.nsecsElapsed();
        m_lastUsage = ThreadUsage::now();
        m_maxGapNs = m_maxGapCpuNs = m_maxGapWaitNs = 0;
    }
    double maxGapMs() const { return double(m_maxGapNs) / 1e6; }
    /// UI-thread CPU time within the longest gap.
    double maxGapCpuMs() const { return double(m_maxGapCpuNs) / 1e6; }
    /// Time the UI thread waited for a core within the longest gap.
    double maxGapRunQueueMs() const { return double(m_maxGapWaitNs) / 1e6; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = -1;
    ThreadUsage m_lastUsage;
    qint64 m_maxGapNs = 0;
    qint64 m_maxGapCpuNs = 0;
    qint64 m_maxGapWaitNs = 0;
};

double median(std::vector<double> v)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double maxOf(const std::vector<double>& v)
{
    return v.empty() ? 0.0 : *std::max_element(v.begin(), v.end());
}

struct ClickTiming
{
    double firstMs = 0.0;  // click -> first partial accuracy on the UI thread
    double finalMs = 0.0;  // click -> final accuracy
    double stallMs = 0.0;  // longest tick gap meanwhile
    double stallCpuMs = 0.0;
    double stallWaitMs = 0.0; // of which the UI thread waited for a core
    int64_t firstDone = 0; // examples behind the first number
};

/// Runs the event loop for ms (the UI keeps working meanwhile).
void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

template <class F>
std::vector<double> column(const std::vector<ClickTiming>& v, F f)
{
    std::vector<double> out;
    for (const auto& t : v)
        out.push_back(f(t));
    return out;
}

void printTable(const std::vector<ClickTiming>& calm, const std::vector<ClickTiming>& busy, int tickMs)
{
    const auto first = [](const ClickTiming& t) { return t.firstMs; };
    const auto fin = [](const ClickTiming& t) { return t.finalMs; };
    const auto stall = [](const ClickTiming& t) { return t.stallMs; };
    const auto worst = [](const std::vector<ClickTiming>& v) {
        return *std::max_element(v.begin(), v.end(), [](const ClickTiming& a, const ClickTiming& b) { return a.stallMs < b.stallMs; });
    };
    const auto minDone = [](const std::vector<ClickTiming>& v) {
        int64_t m = v.front().firstDone;
        for (const auto& t : v)
            m = std::min(m, t.firstDone);
        return static_cast<long long>(m);
    };
    const ClickTiming wc = worst(calm), wb = worst(busy);
    std::printf("| measure                                      | engine idle | during an eval | target    |\n");
    std::printf("|----------------------------------------------|-------------|----------------|-----------|\n");
    std::printf("| (a) click -> first number, median            | %8.1f ms | %11.1f ms | <= 200 ms |\n",
                median(column(calm, first)), median(column(busy, first)));
    std::printf("| (a) click -> first number, max               | %8.1f ms | %11.1f ms | <= 200 ms |\n",
                maxOf(column(calm, first)), maxOf(column(busy, first)));
    const std::string gapLabel = "(b) longest UI tick gap, max (" + std::to_string(tickMs) + " ms timer)";
    std::printf("| %-44s | %8.1f ms | %11.1f ms | <= 50 ms  |\n", gapLabel.c_str(), wc.stallMs, wb.stallMs);
    std::printf("|     UI-thread CPU time within that gap       | %8.1f ms | %11.1f ms |           |\n",
                wc.stallCpuMs, wb.stallCpuMs);
    std::printf("|     UI thread waiting for a core in that gap | %8.1f ms | %11.1f ms |           |\n",
                wc.stallWaitMs, wb.stallWaitMs);
    std::printf("| (b) longest UI tick gap, median of clicks    | %8.1f ms | %11.1f ms |           |\n",
                median(column(calm, stall)), median(column(busy, stall)));
    std::printf("| (c) click -> final accuracy, median          | %8.1f ms | %11.1f ms |           |\n",
                median(column(calm, fin)), median(column(busy, fin)));
    std::printf("| examples behind the first number (min)       | %11lld | %14lld |           |\n",
                minDone(calm), minDone(busy));
}

int intOption(const QCommandLineParser& parser, const QCommandLineOption& option)
{
    return parser.value(option).toInt();
}

} // namespace

int main(int argc, char** argv)
{
    // As the app does: OpenMP workers must not spin on the cores the UI thread needs.
    core::ensurePassiveOpenMpWait(argc, argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("headscope-bench-gui"));
    // Keep the user's HeadScope settings (recent files, engine) out of it, both ways.
    QStandardPaths::setTestModeEnabled(true);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Click-to-number latency and UI stalls of the live evaluation."));
    parser.addHelpOption();
    const QCommandLineOption clicksOpt(QStringLiteral("clicks"), QStringLiteral("Head clicks to time (default 20)."), QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption examplesOpt(QStringLiteral("examples"), QStringLiteral("Dataset size (default 500)."), QStringLiteral("N"), QStringLiteral("500"));
    const QCommandLineOption batchOpt(QStringLiteral("batch-size"), QStringLiteral("Engine batch size (default 32, the app's)."), QStringLiteral("N"), QStringLiteral("32"));
    const QCommandLineOption threadsOpt(QStringLiteral("threads"), QStringLiteral("Engine threads, 0 = every core (default 0)."), QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption layersOpt(QStringLiteral("layers"), QStringLiteral("Layers (default 4)."), QStringLiteral("N"), QStringLiteral("4"));
    const QCommandLineOption headsOpt(QStringLiteral("heads"), QStringLiteral("Heads per layer (default 8)."), QStringLiteral("N"), QStringLiteral("8"));
    const QCommandLineOption hiddenOpt(QStringLiteral("hidden"), QStringLiteral("Hidden size (default 256)."), QStringLiteral("N"), QStringLiteral("256"));
    const QCommandLineOption interOpt(QStringLiteral("intermediate"), QStringLiteral("FFN size (default 1024)."), QStringLiteral("N"), QStringLiteral("1024"));
    const QCommandLineOption tickOpt(QStringLiteral("tick-ms"), QStringLiteral("Stall probe period (default 5)."), QStringLiteral("MS"), QStringLiteral("5"));
    const QCommandLineOption verboseOpt(QStringLiteral("verbose"), QStringLiteral("Print every click."));
    parser.addOptions({clicksOpt, examplesOpt, batchOpt, threadsOpt, layersOpt, headsOpt, hiddenOpt, interOpt, tickOpt, verboseOpt});
    parser.process(app);
    const int nClicks = std::max(1, intOption(parser, clicksOpt));
    const int nExamples = std::max(1, intOption(parser, examplesOpt));

    QTemporaryDir dir;
    if (!dir.isValid()) {
        std::fprintf(stderr, "bench_gui: cannot create a temporary folder\n");
        return 1;
    }
    const QString modelDir = dir.filePath(QStringLiteral("model"));
    const QString dataFile = dir.filePath(QStringLiteral("data.tsv"));
    testing::TinyBertSpec spec;
    spec.nLayers = intOption(parser, layersOpt);
    spec.nHeads = intOption(parser, headsOpt);
    spec.hidden = intOption(parser, hiddenOpt);
    spec.intermediate = intOption(parser, interOpt);
    spec.maxPositions = 128;
    spec.weightScale = 0.05f; // hidden 256: keep activations in a sane range
    try {
        testing::writeTinyBert(modelDir.toStdString(), spec);
        testing::writeTinyDataset(dataFile.toStdString(), nExamples, false, 42);
    } catch (const core::ErrorException& e) {
        std::fprintf(stderr, "bench_gui: writing the test model failed: %s\n", e.what());
        return 1;
    }

    MainWindow window;
    window.resize(1400, 900);
    SessionState* session = window.session();
    EvaluationController* controller = window.evaluation();
    EngineSettings settings = session->engineSettings();
    settings.device = QStringLiteral("cpu");
    settings.precision = core::Precision::Float32;
    settings.batchSize = intOption(parser, batchOpt);
    settings.nThreads = intOption(parser, threadsOpt);
    session->setEngineSettings(settings);
    window.show();

    StallProbe probe(intOption(parser, tickOpt));
    QObject::connect(session, &SessionState::errorOccurred, [](const QString& kind, const QString& message) {
        std::fprintf(stderr, "bench_gui: %s: %s\n", qPrintable(kind), qPrintable(message));
        std::exit(1);
    });

    // Load, then wait for the baseline.
    QElapsedTimer loadClock;
    loadClock.start();
    probe.reset();
    session->loadModel(modelDir);
    session->loadDataset(dataFile);
    {
        QEventLoop loop;
        QObject::connect(controller, &EvaluationController::baselineChanged, &loop, [&loop](const EvalSnapshot& s) {
            if (s.isFinished())
                loop.quit();
        });
        QTimer::singleShot(600000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    if (!controller->baseline().isFinished()) {
        std::fprintf(stderr, "bench_gui: the baseline did not finish\n");
        return 1;
    }
    const double loadMs = double(loadClock.nsecsElapsed()) / 1e6;
    const double loadStallMs = probe.maxGapMs();
    const EvalSnapshot baseline = controller->baseline();

    // The machine's own noise: the probe with nothing running.
    probe.reset();
    waitMs(2000);
    const double idleStallMs = probe.maxGapMs();

    // Per click: generation being timed, and when its first and final numbers arrived.
    quint64 timedGeneration = 0;
    QElapsedTimer clickClock;
    double firstMs = -1.0, finalMs = -1.0;
    int64_t firstDone = 0;
    QObject::connect(controller, &EvaluationController::currentChanged, [&](const EvalSnapshot& s) {
        if (s.generation == timedGeneration && s.hasNumbers() && firstMs < 0) {
            firstMs = double(clickClock.nsecsElapsed()) / 1e6;
            firstDone = s.nDone;
        }
    });

    HeadTableModel* heads = session->headModel();
    const bool verbose = parser.isSet(verboseOpt);
    const auto toggle = [&](int cell) {
        const QModelIndex index = heads->index(cell / spec.nHeads, cell % spec.nHeads);
        heads->setData(index, !heads->data(index, HeadTableModel::MaskedRole).toBool(), HeadTableModel::MaskedRole);
    };
    // Clicks cell and waits for its final accuracy; interruptCell >= 0 first clicks that cell
    // and lets its evaluation run for interruptAfterMs, so the timed click supersedes it.
    const auto timeClick = [&](int cell, int interruptCell, int interruptAfterMs) -> std::optional<ClickTiming> {
        if (interruptCell >= 0) {
            toggle(interruptCell);
            waitMs(interruptAfterMs);
        }
        firstMs = finalMs = -1.0;
        firstDone = 0;
        QEventLoop loop;
        QObject::connect(controller, &EvaluationController::evaluationFinished, &loop, [&](const EvalSnapshot& s) {
            if (s.generation == timedGeneration) {
                finalMs = double(clickClock.nsecsElapsed()) / 1e6;
                loop.quit();
            }
        });
        QTimer::singleShot(600000, &loop, &QEventLoop::quit);
        probe.reset();
        clickClock.start();
        toggle(cell);
        timedGeneration = controller->current().generation;
        if (finalMs < 0)
            loop.exec();
        if (finalMs < 0)
            return std::nullopt;
        ClickTiming t;
        t.firstMs = firstMs;
        t.finalMs = finalMs;
        t.stallMs = probe.maxGapMs();
        t.stallCpuMs = probe.maxGapCpuMs();
        t.stallWaitMs = probe.maxGapRunQueueMs();
        t.firstDone = firstDone;
        if (verbose)
            std::printf("  head (%d,%d)%s  first %7.1f ms (%3lld examples)  final %7.1f ms  max tick gap %6.1f ms "
                        "(UI CPU %4.1f ms, waiting for a core %5.1f ms)  acc %.4f\n",
                        cell / spec.nHeads, cell % spec.nHeads,
                        interruptCell >= 0 ? qPrintable(QStringLiteral(" after %1 ms of another").arg(interruptAfterMs, 4)) : "",
                        t.firstMs, static_cast<long long>(t.firstDone), t.finalMs, t.stallMs, t.stallCpuMs,
                        t.stallWaitMs, controller->current().accuracy);
        return t;
    };

    // Phase 1: click, wait for the final number, click again. A different head each time and
    // never back to the full mask (that reuses the baseline without evaluating).
    const int nHeadsTotal = spec.nLayers * spec.nHeads;
    std::vector<ClickTiming> calm, interrupting;
    if (verbose)
        std::printf("clicks on an idle engine:\n");
    for (int k = 0; k < nClicks; ++k) {
        auto t = timeClick((k * 5 + 1) % nHeadsTotal, -1, 0);
        if (!t) {
            std::fprintf(stderr, "bench_gui: click %d never finished\n", k + 1);
            return 1;
        }
        calm.push_back(*t);
    }
    // Phase 2: a click while the previous click's evaluation runs, at points spread over it.
    // Head (0,0) stays masked (the last phase-1 click with the defaults; 0 is never toggled
    // here), so the mask never returns to the full one.
    std::vector<double> calmFinal;
    for (const auto& t : calm)
        calmFinal.push_back(t.finalMs);
    const double evalMs = median(calmFinal);
    if (verbose)
        std::printf("clicks during a running evaluation:\n");
    for (int k = 0; k < nClicks; ++k) {
        const int before = 1 + (2 * k * 7) % (nHeadsTotal - 1);
        const int cell = 1 + (2 * k * 7 + 3) % (nHeadsTotal - 1);
        const int afterMs = int((double(k) + 0.5) / double(nClicks) * evalMs);
        auto t = timeClick(cell, before, afterMs);
        if (!t) {
            std::fprintf(stderr, "bench_gui: interrupting click %d never finished\n", k + 1);
            return 1;
        }
        interrupting.push_back(*t);
    }

    const int threads = core::torchThreads();
    double load[3] = {0, 0, 0};
    getloadavg(load, 3); // other processes on the same cores show up as stalls
    std::printf("\nbench_gui: %d layers x %d heads, hidden %d, intermediate %d; %d examples; %d clicks per phase\n",
                spec.nLayers, spec.nHeads, spec.hidden, spec.intermediate, nExamples, nClicks);
    std::printf("load + baseline: %.0f ms (baseline accuracy %.4f, %.2f ms/example), max tick gap meanwhile %.1f ms\n",
                loadMs, baseline.accuracy, baseline.msPerExample, loadStallMs);
    std::printf("machine: %d cores, load average %.2f (1 min); max tick gap with the engine idle: %.1f ms\n\n",
                QThread::idealThreadCount(), load[0], idleStallMs);
    printTable(calm, interrupting, intOption(parser, tickOpt));
    std::printf("engine threads %d, batch size %d\n", threads, settings.batchSize);
    std::fflush(stdout);
    return 0;
}
