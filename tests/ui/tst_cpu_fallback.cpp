// "Run on CPU" after a job that did not fit in the GPU's memory, in the assembled window: the
// question names the error; accepting it switches the engine to the CPU and starts the same job
// again with its own request (translation ablation on 3 sentences, classifier importance with a
// non-default method and normalisation); a move of the weights under way is waited for; several
// failures share one question; Cancel leaves the engine alone; a model load that did not fit is
// loaded again from its folder. The GPU failure itself is the error LibTorch's message becomes
// (core::outOfMemoryError, its classification tested in tst_out_of_memory); no GPU is needed.
#include "jobs/analysis_controller.h"
#include "jobs/evaluation_controller.h"
#include "jobs/translation_controller.h"
#include "main_window.h"
#include "model/encoder_model.h"
#include "model/seq2seq_model.h"
#include "session/session_state.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"
#include "util/error_text.h"
#include "util/out_of_memory.h"

#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace headscope;
using namespace headscope::ui;
using core::AttentionType;

namespace {

// What LibTorch 2.x throws when the CUDA caching allocator cannot serve a request.
const char* const kCudaOom =
    "CUDA out of memory. Tried to allocate 3.00 GiB. GPU 0 has a total capacity of 23.65 GiB of which "
    "1.10 GiB is free. Including non-PyTorch memory, this process has 22.50 GiB memory in use.";

QString gpuOutOfMemoryText()
{
    const auto error = core::outOfMemoryError(kCudaOom);
    return error ? errorText(*error) : QString();
}

QString demoModel()
{
    return QStringLiteral(HEADSCOPE_SOURCE_DIR "/resources/demo/translation/model");
}

bool writeHead(const QString& from, const QString& to, int lines)
{
    QFile in(from), out(to);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly)) return false;
    for (int i = 0; i < lines && !in.atEnd(); ++i)
        out.write(in.readLine());
    return true;
}

// Waits for the jobDone of one kind from now on (the spy is made before the event loop runs).
bool waitForJob(TranslationController* c, const QString& kind, int timeoutMs = 300000)
{
    QSignalSpy done(c, &TranslationController::jobDone);
    while (true) {
        for (const auto& args : done)
            if (args.at(0).toString() == kind) return true;
        if (!done.wait(timeoutMs)) return false;
    }
}

bool waitFor(QSignalSpy& spy, int count = 1, int timeoutMs = 300000)
{
    while (spy.count() < count)
        if (!spy.wait(timeoutMs)) return false;
    return true;
}

// The open "Run on CPU" question of the window (null when none).
QMessageBox* cpuOffer(const MainWindow& window)
{
    QMessageBox* box = window.findChild<QMessageBox*>(QStringLiteral("cpuOffer"));
    return box && box->isVisible() ? box : nullptr;
}

} // namespace

class TestCpuFallback : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_src, m_ref;
    QString m_modelDir, m_dataFile;

    // The window with the translation demo open on the first 8 test sentences, evaluated.
    bool openTranslation(MainWindow& window)
    {
        TranslationController* t = window.translation();
        QSignalSpy finished(t, &TranslationController::evaluationFinished);
        t->openModel(demoModel());
        t->openTestSet(m_src, m_ref);
        return waitFor(finished);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        qputenv("HEADSCOPE_SESSION_DIR", m_dir.filePath(QStringLiteral("sessions")).toLocal8Bit());
        m_src = m_dir.filePath(QStringLiteral("test8.src"));
        m_ref = m_dir.filePath(QStringLiteral("test8.tgt"));
        QVERIFY(writeHead(QStringLiteral(HEADSCOPE_SOURCE_DIR "/resources/demo/translation/data/test.src"), m_src, 8));
        QVERIFY(writeHead(QStringLiteral(HEADSCOPE_SOURCE_DIR "/resources/demo/translation/data/test.tgt"), m_ref, 8));
        m_modelDir = m_dir.filePath(QStringLiteral("tiny"));
        m_dataFile = m_dir.filePath(QStringLiteral("data.tsv"));
        testing::TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 2;
        testing::writeTinyBert(m_modelDir.toStdString(), spec);
        testing::writeTinyDataset(m_dataFile.toStdString(), 24, false, 7);
        QVERIFY(gpuOutOfMemoryText().contains(QStringLiteral("does not fit in GPU memory")));
    }

    void translationJobRunsAgainWithItsRequest()
    {
        MainWindow window;
        window.show();
        QVERIFY(openTranslation(window));
        TranslationController* t = window.translation();
        QVERIFY(t->runAblation(3) != 0);
        QVERIFY(waitForJob(t, TranslationController::kAblationJob));
        QCOMPARE(t->ablation()->subset.size(), size_t(3));
        const quint64 firstRun = t->ablation().generation;

        // The ablation "failed" on the GPU, and the live evaluation with it: one question.
        emit t->outOfDeviceMemory(TranslationController::kAblationJob, gpuOutOfMemoryText());
        emit t->outOfDeviceMemory(TranslationController::kEvalJob, gpuOutOfMemoryText());
        QMessageBox* box = cpuOffer(window);
        QVERIFY(box);
        QCOMPARE(window.findChildren<QMessageBox*>(QStringLiteral("cpuOffer")).size(), 1);
        QVERIFY2(box->text().contains(QStringLiteral("need 3.00 GiB, free 1.10 GiB")), qPrintable(box->text()));
        QVERIFY(box->text().contains(QStringLiteral("Run it on the CPU instead?")));

        QStringList started;
        connect(t, &TranslationController::runningChanged, this, [&started](const QString& kind, bool running) {
            if (running) started << kind;
        });
        auto* run = box->findChild<QPushButton*>(QStringLiteral("runOnCpu"));
        QVERIFY(run);
        run->click();
        // Both jobs started again: the ablation with its subset of 3, and the live evaluation.
        QVERIFY(started.contains(TranslationController::kAblationJob));
        QVERIFY(started.contains(TranslationController::kEvalJob));
        QCOMPARE(window.session()->engineSettings().device, QStringLiteral("cpu"));
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("Running again on the CPU."));
        QVERIFY(waitForJob(t, TranslationController::kAblationJob));
        QVERIFY(t->ablation().isValid() && t->ablation()->complete());
        QVERIFY(t->ablation().generation != firstRun);
        QCOMPARE(t->ablation()->subset.size(), size_t(3));
        QTRY_VERIFY(!cpuOffer(window));
    }

    void aMoveUnderWayIsWaitedFor()
    {
        MainWindow window;
        window.show();
        QVERIFY(openTranslation(window));
        TranslationController* t = window.translation();
        t->setHeadMasked(AttentionType::EncoderDecoder, 1, 2, true);
        const std::shared_ptr<const core::Seq2SeqModel> before = t->model();

        // A precision change moves the weights (a "translation-load-model" job) ...
        EngineSettings settings = window.session()->engineSettings();
        settings.precision = core::Precision::BFloat16;
        window.session()->setEngineSettings(settings);
        QVERIFY(t->isRunning(TranslationController::kLoadModelJob));

        // ... and the importance (started, then "failed" on the GPU) started again after "Run on
        // CPU" uses the moved weights.
        QVERIFY(t->runImportance() != 0);
        t->cancel(TranslationController::kImportanceJob);
        emit t->outOfDeviceMemory(TranslationController::kImportanceJob, gpuOutOfMemoryText());
        QMessageBox* box = cpuOffer(window);
        QVERIFY(box);
        bool loadRunningAtStart = true;
        core::Precision precisionAtStart = core::Precision::Float32;
        connect(t, &TranslationController::runningChanged, this, [&](const QString& kind, bool running) {
            if (kind != TranslationController::kImportanceJob || !running) return;
            loadRunningAtStart = t->isRunning(TranslationController::kLoadModelJob);
            precisionAtStart = t->model()->precision();
        });
        QSignalSpy importance(t, &TranslationController::importanceReady);
        box->findChild<QPushButton*>(QStringLiteral("runOnCpu"))->click();
        QVERIFY(waitFor(importance));
        QVERIFY(!loadRunningAtStart);
        QCOMPARE(precisionAtStart, core::Precision::BFloat16);
        QVERIFY(t->model() != before);
        QCOMPARE(QString::fromStdString(t->model()->deviceName()), QStringLiteral("cpu"));
        // The move kept the hand-chosen mask.
        QVERIFY(t->isMasked(AttentionType::EncoderDecoder, 1, 2));
        QCOMPARE(t->masks().encoderDecoder.countMasked(), 1);
        QVERIFY(t->importance().isValid());
    }

    void classifierAnalysisRunsAgainWithItsParameters()
    {
        MainWindow window;
        window.show();
        QSignalSpy evaluated(window.evaluation(), &EvaluationController::evaluationFinished);
        window.session()->loadModel(m_modelDir);
        window.session()->loadDataset(m_dataFile, core::DatasetOptions());
        QVERIFY(waitFor(evaluated));
        AnalysisController* a = window.analysis();
        QSignalSpy ready(a, &AnalysisController::importanceReady);
        // Not the defaults: the rerun must not fall back to mask-gradient / per-layer.
        a->runImportance(core::ImportanceMethod::PaperCode, core::ImportanceNormalization::Global);
        QVERIFY(waitFor(ready));

        emit a->outOfDeviceMemory(AnalysisController::kImportanceJob, gpuOutOfMemoryText());
        QMessageBox* box = cpuOffer(window);
        QVERIFY(box);
        box->findChild<QPushButton*>(QStringLiteral("runOnCpu"))->click();
        QVERIFY(a->isRunning(AnalysisController::kImportanceJob));
        QVERIFY(waitFor(ready, 2));
        QCOMPARE(a->importance()->params.method, core::ImportanceMethod::PaperCode);
        QCOMPARE(a->importance()->params.normalization, core::ImportanceNormalization::Global);

        // A kind that cannot be restarted says so instead.
        emit a->outOfDeviceMemory(AnalysisController::kExportModelJob, gpuOutOfMemoryText());
        QTRY_VERIFY(cpuOffer(window));
        cpuOffer(window)->findChild<QPushButton*>(QStringLiteral("runOnCpu"))->click();
        QCOMPARE(window.statusBar()->currentMessage(), QStringLiteral("The engine now runs on the CPU: start the job again."));
    }

    void cancelLeavesTheEngineAlone()
    {
        MainWindow window;
        window.show();
        EngineSettings settings = window.session()->engineSettings();
        settings.device = QStringLiteral("cuda");
        window.session()->setEngineSettings(settings); // no model: nothing moves
        QSignalSpy jobs(window.session()->runner(), &JobRunner::jobStarted);
        emit window.analysis()->outOfDeviceMemory(AnalysisController::kAblationJob, gpuOutOfMemoryText());
        QMessageBox* box = cpuOffer(window);
        QVERIFY(box);
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(!cpuOffer(window));
        QCOMPARE(window.session()->engineSettings().device, QStringLiteral("cuda"));
        QCOMPARE(jobs.count(), 0);
    }

    void loadThatDidNotFitLoadsAgain()
    {
        MainWindow window;
        window.show();
        // The folder's first load failed (here: it was not there yet; on a GPU: it did not fit).
        const QString later = m_dir.filePath(QStringLiteral("later"));
        QSignalSpy errors(window.session(), &SessionState::errorOccurred);
        window.session()->loadModel(later);
        QVERIFY(waitFor(errors));
        QVERIFY(!window.session()->hasModel());
        testing::TinyBertSpec spec;
        spec.nLayers = 3;
        spec.nHeads = 2;
        testing::writeTinyBert(later.toStdString(), spec);

        emit window.session()->outOfDeviceMemory(SessionState::kLoadModelJob, gpuOutOfMemoryText());
        QSignalSpy loaded(window.session(), &SessionState::modelChanged);
        cpuOffer(window)->findChild<QPushButton*>(QStringLiteral("runOnCpu"))->click();
        QVERIFY(waitFor(loaded));
        QCOMPARE(window.session()->modelPath(), QFileInfo(later).absoluteFilePath());
        QCOMPARE(window.session()->model()->nLayers(), 3);
        QCOMPARE(QString::fromStdString(window.session()->model()->deviceName()), QStringLiteral("cpu"));
    }
};

QTEST_MAIN(TestCpuFallback)
#include "tst_cpu_fallback.moc"
