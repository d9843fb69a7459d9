// TranslationController and the Translation page's models without widgets, on the Marian fixture:
// a head masked through the head model of its type is decoded with exactly the mask
// core::evaluateTranslation gets (same BLEU, same hypotheses); the live BLEU ends at the final
// one; a second click supersedes the running decode; the word diff marks exactly the changed
// words of a hand-made pair; the Translations view filters to changed sentences.
#include "analysis/translation_eval.h"
#include "analysis/translation_set.h"
#include "jobs/job_runner.h"
#include "jobs/translation_controller.h"
#include "model/seq2seq_model.h"
#include "models/translation_head_model.h"
#include "models/translation_list_model.h"
#include "util/word_diff.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace headscope;
using namespace headscope::ui;
using core::AttentionType;

namespace {

QString fixtureDir()
{
    return QDir(QStringLiteral(HEADSCOPE_FIXTURES_DIR)).filePath(QStringLiteral("marian"));
}

bool hasFixture()
{
    return QFileInfo::exists(fixtureDir() + QStringLiteral("/config.json"));
}

// A runner and a controller on it, as the main window has them.
struct Loaded
{
    JobRunner runner;
    TranslationController controller{&runner};
};

bool waitFor(QSignalSpy& spy, int count = 1, int timeoutMs = 120000)
{
    while (spy.count() < count)
        if (!spy.wait(timeoutMs)) return false;
    return true;
}

} // namespace

class TestTranslationController : public QObject
{
    Q_OBJECT
private slots:
    void wordDiffMarksChangedWords();
    void listModelFiltersChanged();
    void maskedHeadGivesCoreBleu();
    void newClickCancelsRunningDecode();
    void badFilesNameTheFile();
    void maskFileRoundTrip();
};

void TestTranslationController::wordDiffMarksChangedWords()
{
    // Hand-worked LCS: "the cat sat on the mat" vs "the dog sat on a mat today":
    // common: the, sat, on, mat -> dog, a, today changed.
    const QStringList before = diffWords(QStringLiteral("the cat sat on the mat"));
    const QStringList after = diffWords(QStringLiteral("the  dog sat on a mat today"));
    QCOMPARE(after.size(), 7);
    const std::vector<bool> expected{false, true, false, false, true, false, true};
    QCOMPARE(changedWords(before, after), expected);
    // Reordered words: the LCS has length 1; on a tie the earlier word of the new sentence is kept.
    QCOMPARE(changedWords({QStringLiteral("a"), QStringLiteral("b")}, {QStringLiteral("b"), QStringLiteral("a")}),
             (std::vector<bool>{false, true}));
    QCOMPARE(changedWords({}, {QStringLiteral("x")}), std::vector<bool>{true});
    QCOMPARE(changedWords({QStringLiteral("x")}, {}), std::vector<bool>{});
    const QString html = highlightChangedWords(QStringLiteral("a <b>"), QStringLiteral("a <c>"), QStringLiteral("#ff0"));
    QCOMPARE(html, QStringLiteral("a <span class=\"changed\" style=\"background-color:#ff0\">&lt;c&gt;</span>"));
}

void TestTranslationController::listModelFiltersChanged()
{
    TranslationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTestSet({QStringLiteral("s1"), QStringLiteral("s2"), QStringLiteral("s3")},
                     {QStringLiteral("r1"), QStringLiteral("r2"), QStringLiteral("r3")});
    model.setUnmasked({QStringLiteral("x y"), QStringLiteral("u v"), QStringLiteral("p q")});
    model.setCurrent({QStringLiteral("x y"), QStringLiteral("u w"), QStringLiteral("p q")});
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.changedCount(), 1);
    model.setChangedOnly(true);
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex current = model.index(0, TranslationListModel::CurrentColumn);
    QCOMPARE(current.data(TranslationListModel::SentenceRole).toInt(), 1);
    QCOMPARE(current.data().toString(), QStringLiteral("u w"));
    QVERIFY(current.data(TranslationListModel::HtmlRole).toString().endsWith(QStringLiteral(">w</span>")));
    QVERIFY(current.data(TranslationListModel::HtmlRole).toString().startsWith(QStringLiteral("u ")));
    model.setChangedOnly(false);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(!model.index(0, 0).data(TranslationListModel::ChangedRole).toBool());
}

void TestTranslationController::maskedHeadGivesCoreBleu()
{
    if (!hasFixture()) QSKIP("needs ../shared/fixtures/marian (HEADSCOPE_FIXTURES_DIR)");
    Loaded l;
    TranslationController& c = l.controller;
    c.setBatchSize(16);
    QSignalSpy finished(&c, &TranslationController::evaluationFinished);
    QSignalSpy partials(&c, &TranslationController::evaluationPartial);
    QSignalSpy errors(&c, &TranslationController::errorOccurred);
    c.openTestSet(fixtureDir() + QStringLiteral("/src.txt"), fixtureDir() + QStringLiteral("/ref.txt"));
    c.openModel(fixtureDir());
    QVERIFY2(waitFor(finished), "the unmasked run did not finish");
    QVERIFY2(errors.isEmpty(), errors.isEmpty() ? "" : qPrintable(errors.first().at(1).toString()));
    QVERIFY(c.unmasked().isValid());
    QCOMPARE(c.unmasked()->nSentences, int64_t(200));

    // Click-equivalent: the encoder-decoder head model's setData masks exactly that head.
    TranslationHeadModel crossModel(&c, AttentionType::EncoderDecoder);
    TranslationHeadModel encoderModel(&c, AttentionType::EncoderSelf);
    QAbstractItemModelTester tester(&crossModel, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(crossModel.rowCount(), c.nLayers(AttentionType::EncoderDecoder));
    partials.clear();
    QVERIFY(crossModel.setData(crossModel.index(1, 2), true, HeadTableModel::MaskedRole));
    QVERIFY(c.isMasked(AttentionType::EncoderDecoder, 1, 2));
    QCOMPARE(c.masks().encoderDecoder.countMasked(), 1);
    QCOMPARE(c.masks().encoderSelf.countMasked(), 0);
    QCOMPARE(c.masks().decoderSelf.countMasked(), 0);
    QVERIFY(crossModel.index(1, 2).data(HeadTableModel::MaskedRole).toBool());
    QVERIFY(!encoderModel.index(1, 2).data(HeadTableModel::MaskedRole).toBool());
    QVERIFY2(waitFor(finished, 2), "the masked run did not finish");
    const TranslationEvalResults masked = finished.last().at(0).value<TranslationEvalResults>();

    // The same decode straight through the core.
    auto model = core::Seq2SeqModel::load(fixtureDir().toStdString());
    QVERIFY(model);
    auto set = core::loadTranslationSet(**model, QString(fixtureDir() + QStringLiteral("/src.txt")).toStdString(),
                                        QString(fixtureDir() + QStringLiteral("/ref.txt")).toStdString());
    QVERIFY(set);
    core::TranslationEvalParams params;
    params.decode.batchSize = 16;
    params.decode.masks = (*model)->fullMasks();
    params.decode.masks.encoderDecoder.setKept(1, 2, false);
    auto direct = core::evaluateTranslation(**model, *set, params);
    QVERIFY(direct);
    QCOMPARE(masked->bleu.score, direct->bleu.score);
    QCOMPARE(masked->hypotheses, direct->hypotheses);
    QVERIFY(masked->bootstrap.has_value());
    QCOMPARE(masked->bootstrap->baselineScore, c.unmasked()->bleu.score);

    // The live BLEU grows over the sentences and ends at the final BLEU.
    QVERIFY(!partials.isEmpty());
    const auto last = partials.last().at(0).value<TranslationController::LiveBleu>();
    QCOMPARE(last.nDone, int64_t(200));
    QCOMPARE(last.nTotal, int64_t(200));
    QCOMPARE(last.bleu, direct->bleu.score);
    int64_t previous = 0;
    for (const auto& args : partials) {
        const auto p = args.at(0).value<TranslationController::LiveBleu>();
        QVERIFY(p.nDone > previous);
        previous = p.nDone;
    }

    // Shift-click on a layer label of the decoder self-attention: every head of that layer.
    c.toggleLayer(AttentionType::DecoderSelf, 0);
    QCOMPARE(c.masks().decoderSelf.countMasked(), c.nHeads(AttentionType::DecoderSelf));
    QCOMPARE(c.masks().encoderDecoder.countMasked(), 1);
    QVERIFY2(waitFor(finished, 3), "the layer-masked run did not finish");
}

void TestTranslationController::newClickCancelsRunningDecode()
{
    if (!hasFixture()) QSKIP("needs ../shared/fixtures/marian (HEADSCOPE_FIXTURES_DIR)");
    Loaded l;
    TranslationController& c = l.controller;
    QSignalSpy finished(&c, &TranslationController::evaluationFinished);
    c.openTestSet(fixtureDir() + QStringLiteral("/src.txt"), fixtureDir() + QStringLiteral("/ref.txt"));
    c.openModel(fixtureDir());
    QVERIFY(waitFor(finished));
    QSignalSpy cancelled(&l.runner, &JobRunner::jobCancelled);
    QSignalSpy dropped(&l.runner, &JobRunner::resultDropped);
    c.setHeadMasked(AttentionType::DecoderSelf, 0, 1, true);
    const quint64 first = l.runner.currentGeneration(TranslationController::kEvalJob);
    c.setHeadMasked(AttentionType::EncoderSelf, 1, 0, true); // supersedes the first decode
    QCOMPARE(cancelled.count(), 1);
    QCOMPARE(cancelled.first().at(0).toString(), TranslationController::kEvalJob);
    QCOMPARE(cancelled.first().at(1).toULongLong(), first);
    QVERIFY(waitFor(finished, 2));
    QVERIFY(l.runner.waitForIdle(60000));
    QTest::qWait(0);
    QCOMPARE(finished.count(), 2); // the superseded run never reached the page
    const auto result = finished.last().at(0).value<TranslationEvalResults>();
    QCOMPARE(result->masks.encoderSelf.countMasked(), 1);
    QCOMPARE(result->masks.decoderSelf.countMasked(), 1);
}

void TestTranslationController::badFilesNameTheFile()
{
    if (!hasFixture()) QSKIP("needs ../shared/fixtures/marian (HEADSCOPE_FIXTURES_DIR)");
    Loaded l;
    TranslationController& c = l.controller;
    QSignalSpy errors(&c, &TranslationController::errorOccurred);
    QSignalSpy changed(&c, &TranslationController::modelChanged);
    c.openModel(fixtureDir());
    QVERIFY(waitFor(changed));
    // A reference with fewer lines than the source (the out-of-domain reference has its own count).
    QTemporaryDir dir;
    const QString shortRef = dir.filePath(QStringLiteral("short_ref.txt"));
    QFile f(shortRef);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("one line\n");
    f.close();
    c.openTestSet(fixtureDir() + QStringLiteral("/src.txt"), shortRef);
    QVERIFY(waitFor(errors));
    QCOMPARE(errors.last().at(0).toString(), TranslationController::kLoadSetJob);
    QVERIFY2(errors.last().at(1).toString().contains(QStringLiteral("short_ref.txt")),
             qPrintable(errors.last().at(1).toString()));
    QVERIFY(!c.testSet());

    c.openModel(dir.path()); // no config.json
    QVERIFY(waitFor(errors, 2));
    QCOMPARE(errors.last().at(0).toString(), TranslationController::kLoadModelJob);
    QVERIFY2(errors.last().at(1).toString().contains(QStringLiteral("config.json")),
             qPrintable(errors.last().at(1).toString()));
}

void TestTranslationController::maskFileRoundTrip()
{
    if (!hasFixture()) QSKIP("needs ../shared/fixtures/marian (HEADSCOPE_FIXTURES_DIR)");
    Loaded l;
    TranslationController& c = l.controller;
    QSignalSpy changed(&c, &TranslationController::modelChanged);
    QSignalSpy masksChanged(&c, &TranslationController::masksChanged);
    QString error;
    QVERIFY(!c.loadMaskFile(QStringLiteral("/nonexistent.json"), &error)); // no model yet
    c.openModel(fixtureDir());
    QVERIFY(waitFor(changed));

    // A hand-chosen mask of every type, saved as JSON and as a typed descriptor.
    c.setHeadMasked(AttentionType::EncoderSelf, 0, 3, true);
    c.setHeadMasked(AttentionType::EncoderDecoder, 1, 0, true);
    c.setHeadMasked(AttentionType::EncoderDecoder, 1, 2, true);
    c.setHeadMasked(AttentionType::DecoderSelf, 0, 1, true);
    const core::Seq2SeqMasks chosen = c.masks();
    QTemporaryDir dir;
    for (const QString& name : {QStringLiteral("mask.json"), QStringLiteral("mask.txt")}) {
        const QString path = dir.filePath(name);
        QVERIFY2(c.saveMaskFile(path, &error), qPrintable(error));
        c.resetMasks();
        QVERIFY(c.masks().allKept());
        const int before = int(masksChanged.count());
        QVERIFY2(c.loadMaskFile(path, &error), qPrintable(error));
        QCOMPARE(masksChanged.count(), before + 1);
        for (AttentionType t : core::kSeq2SeqAttentionTypes)
            QVERIFY2(c.masks().of(t) == chosen.of(t), qPrintable(name + QStringLiteral(": ") +
                                                               QString::fromLatin1(core::attentionTypeName(t))));
    }
    // The descriptor file holds the heads by type as the CLI's --mask reads them.
    QFile text(dir.filePath(QStringLiteral("mask.txt")));
    QVERIFY(text.open(QIODevice::ReadOnly));
    const QString descriptor = QString::fromUtf8(text.readAll()).trimmed();
    QCOMPARE(descriptor, QStringLiteral("E:0:3 A:1:0,2 D:0:1"));

    // A mask for another shape names the file and leaves the current masks alone.
    const QString wrong = dir.filePath(QStringLiteral("wrong.txt"));
    QFile w(wrong);
    QVERIFY(w.open(QIODevice::WriteOnly));
    w.write("A:7:0\n");
    w.close();
    QVERIFY(!c.loadMaskFile(wrong, &error));
    QVERIFY2(error.contains(QStringLiteral("wrong.txt")), qPrintable(error));
    QVERIFY(c.masks().encoderDecoder == chosen.encoderDecoder);
}

QTEST_GUILESS_MAIN(TestTranslationController)
#include "tst_translation_controller.moc"
