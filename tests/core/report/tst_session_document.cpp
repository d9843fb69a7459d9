// Session files: every field and every kind of analysis entry survives a write and a read
// (through the file, as the GUI and the CLI use it), entries replace their own checkpoints,
// and bad files (not a session, newer version, truncated, wrong mask, missing) give errors that
// name the file instead of a crash or a half-read session.
#include "report/result_json.h"
#include "report/session_document.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace headscope::core;
namespace report = headscope::core::report;

namespace {

std::string writeText(const QTemporaryDir& dir, const char* name, const std::string& text)
{
    const std::string path = dir.filePath(QString::fromLatin1(name)).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

report::SessionEntry entry(const std::string& key, report::Json result, bool complete = true)
{
    report::SessionEntry e;
    e.key = key;
    e.finishedAt = "2026-11-30T10:00:00Z";
    e.complete = complete;
    e.result = std::move(result);
    return e;
}

// One result of each kind the GUI keeps, made by hand (values are irrelevant to the file
// format; their JSON is compared before and after).
report::SessionDocument fullDocument()
{
    report::SessionDocument d;
    d.model = report::SessionFileRef{"/data/models/bert", "hs64:0123456789abcdef", 1234};
    d.dataset = report::SessionFileRef{"/data/dev.tsv", "hs64:fedcba9876543210", 99};
    d.datasetOptions.format = DatasetFormat::Tsv;
    d.datasetOptions.textColumn = "sentence";
    d.datasetOptions.labelColumn = "label";
    d.datasetOptions.hasHeader = true;
    d.mask = HeadMask(2, 3);
    d.mask.setKept(1, 2, false);
    d.settings = {{"batch_size", 16}, {"device", "cpu"}};
    d.view = {{"page", "heads"}, {"selected", {{"layer", 1}, {"head", 2}}}, {"zoom", 1.5}};

    ImportanceResult imp;
    imp.raw = {{0.1, 0.2, 0.3}, {0.4, 0.5, 0.6}};
    imp.normalized = normalizeImportance(imp.raw, ImportanceNormalization::Layer);
    imp.nExamples = 10;
    d.append(entry("importance", report::toJson(imp)));

    AblationResult abl;
    abl.nLayers = 2;
    abl.layersDone = 1;
    abl.n = 10;
    abl.accuracy = {{0.5, 0.6, 0.7}, {std::nan(""), std::nan(""), std::nan("")}};
    abl.delta = abl.pTTest = abl.pMcNemar = abl.accuracy;
    report::SessionEntry partial = entry("ablation", report::toJson(abl), false);
    d.append(partial);

    PruneCurveSet curves;
    curves.totalHeads = 6;
    PruneCurveResult c;
    c.order = PruneOrder::Random;
    PruneCurvePoint p;
    p.mask = HeadMask(2, 3);
    p.n = 10;
    p.nCorrect = 7;
    p.accuracy = 0.7;
    c.points.push_back(p);
    curves.curves.push_back(c);
    d.append(entry("prune_curves", report::toJson(curves)));

    ImportanceCheckpoint ck{2, {{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}, 40, 8};
    report::SessionEntry impPartial = entry("importance", report::toJson(imp), false);
    impPartial.checkpoint = report::toJson(ck);
    d.append(impPartial);

    // The Translation page's part: its own model, test set, masks and results.
    report::TranslationSession t;
    t.model = report::SessionFileRef{"/data/models/opus-mt", "hs64:00000000000000aa", -1};
    t.source = report::SessionFileRef{"/data/test.de", "hs64:00000000000000bb", 512};
    t.reference = report::SessionFileRef{"/data/test.en", "hs64:00000000000000cc", 498};
    t.masks = {{"descriptor", "A:1:2"}, {"n_masked", 1}, {"pruned", {{"encoder_decoder", {{"1", {2}}}}}}};
    t.append(entry("importance", {{"n_sentences", 12}}));
    t.append(entry("ablation", {{"layers_done", 2}}));
    t.append(entry("importance", {{"n_sentences", 20}})); // replaces the first
    d.translation = t;
    return d;
}

} // namespace

class TestSessionDocument : public QObject
{
    Q_OBJECT

private slots:
    void writesAndReadsEveryField()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("s.headscope")).toStdString();
        const report::SessionDocument doc = fullDocument();
        const auto written = report::writeSessionFile(path, doc);
        QVERIFY2(written, written.error().toString().c_str());
        const auto back = report::readSessionFile(path);
        QVERIFY2(back, back.error().toString().c_str());
        // Same JSON after a round trip, except the saved_at stamp written on the way out.
        report::Json a = report::toJson(doc), b = report::toJson(*back);
        b["saved_at"] = a["saved_at"];
        QCOMPARE(QString::fromStdString(b.dump()), QString::fromStdString(a.dump()));
        QCOMPARE(back->model->path, std::string("/data/models/bert"));
        QCOMPARE(back->dataset->hash, std::string("hs64:fedcba9876543210"));
        QCOMPARE(back->datasetOptions.hasHeader.value(), true);
        QCOMPARE(back->datasetOptions.format, DatasetFormat::Tsv);
        QVERIFY(back->mask == doc.mask);
        QCOMPARE(back->mask.isKept(1, 2), false);
        QCOMPARE(back->view["zoom"].get<double>(), 1.5);
        QVERIFY(back->translation.has_value());
        QCOMPARE(back->translation->model.path, std::string("/data/models/opus-mt"));
        QCOMPARE(back->translation->reference->hash, std::string("hs64:00000000000000cc"));
        QCOMPARE(back->translation->masks["descriptor"].get<std::string>(), std::string("A:1:2"));
        QCOMPARE(back->translation->entries.size(), size_t(2));
        QCOMPARE(back->translation->latest("importance")->result["n_sentences"].get<int>(), 20);
        QVERIFY(back->translation->latest("prune_curves") == nullptr);
        // No temporary left beside the file.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("s.headscope")});
    }

    void sessionWithoutTranslationHasNone()
    {
        report::SessionDocument d = fullDocument();
        d.translation.reset();
        const report::Json j = report::toJson(d);
        QVERIFY(!j.contains("translation"));
        const auto back = report::sessionFromJson(j, "x.headscope");
        QVERIFY2(back, back ? "" : back.error().toString().c_str());
        QVERIFY(!back->translation.has_value());
    }

    void entriesReplaceTheirCheckpoints()
    {
        report::SessionDocument d = fullDocument();
        // importance: the complete entry first, then a newer checkpoint of a second run.
        QVERIFY(d.latest("importance") != nullptr);
        QVERIFY(d.latest("importance", true)->complete == false);
        QVERIFY(d.latest("ablation") == nullptr);
        QVERIFY(d.latest("ablation", true) != nullptr);
        const size_t before = d.entries.size();
        d.append(entry("ablation", report::Json::object()));
        QCOMPARE(d.entries.size(), before); // the checkpoint was replaced, not kept beside
        QVERIFY(d.latest("ablation")->complete);
        const auto ck = report::importanceCheckpointFromJson(d.latest("importance", true)->checkpoint);
        QVERIFY(ck);
        QCOMPARE(ck->batchesDone, 2);
        QCOMPARE(ck->sum[1][2], 6.0);
    }

    void refusesBadFiles_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not json") << QByteArray("{\"format\": \"headscope-session\", \"vers") << "not valid JSON";
        QTest::newRow("another json") << QByteArray("{\"schema\": 2}") << "not a HeadScope session";
        QTest::newRow("newer") << QByteArray("{\"format\": \"headscope-session\", \"version\": 7}") << "version 7";
        QTest::newRow("no version") << QByteArray("{\"format\": \"headscope-session\"}") << "no version";
        QTest::newRow("bad mask")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"mask\": {\"layers\": 2, \"heads\": 2, \"kept\": [[1, 1]]}}")
            << "one row per layer";
        QTest::newRow("mask value")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"mask\": {\"layers\": 1, \"heads\": 2, \"kept\": [[1, 7]]}}")
            << "0 or 1";
        // Found by fuzz_session_file (UBSan: a float cast to int): numbers must be integers.
        QTest::newRow("float layer count")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"mask\": {\"layers\": 9.3e19, \"heads\": 2, \"kept\": []}}")
            << "expected an integer";
        QTest::newRow("format not a string") << QByteArray("{\"format\": [1], \"version\": 1}") << "not a HeadScope session";
        QTest::newRow("float example limit")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"data\": {\"path\": \"/d\", \"options\": {\"limit\": 1e300}}}")
            << "expected an integer";
        QTest::newRow("results not a list")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"results\": 3}") << "must be a list";
        QTest::newRow("entry without result")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"results\": [{\"key\": \"importance\"}]}")
            << "result";
        QTest::newRow("translation not an object")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"translation\": [1]}") << "'translation' must be an object";
        QTest::newRow("translation model without path")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"translation\": {\"model\": {\"hash\": \"x\"}}}") << "path";
        QTest::newRow("translation masks not an object")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"translation\": {\"model\": {\"path\": \"/m\"}, \"masks\": 3}}")
            << "'translation.masks' must be an object";
        QTest::newRow("translation results not a list")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"translation\": {\"model\": {\"path\": \"/m\"}, \"results\": {}}}")
            << "'translation.results' must be a list";
        QTest::newRow("model without path")
            << QByteArray("{\"format\": \"headscope-session\", \"version\": 1, \"model\": {\"hash\": \"x\"}}") << "path";
    }
    void refusesBadFiles()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = writeText(dir, "bad.headscope", text.toStdString());
        const auto r = report::readSessionFile(path);
        QVERIFY(!r);
        const QString message = QString::fromStdString(r.error().toString());
        QVERIFY2(message.contains(QString::fromStdString(path)), qPrintable(message));
        QVERIFY2(message.contains(expected), qPrintable(message));
    }

    void missingFileIsNamed()
    {
        const auto r = report::readSessionFile("/nonexistent/x.headscope");
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::FileNotFound);
        QCOMPARE(r.error().path, std::string("/nonexistent/x.headscope"));
    }
};

QTEST_GUILESS_MAIN(TestSessionDocument)
#include "tst_session_document.moc"
