// Training dynamics of translation models: every checkpoint of a run analysed with its own
// weights (tiny random Marian models of different seeds), the checkpoints in epoch order, each
// checkpoint's curves ordered by its own importance (checked against the pruning order of that
// importance), BLEU with and without curves, the JSON round trip, and the errors.
#include "analysis/translation_checkpoint_series.h"
#include "analysis/translation_eval.h"
#include "model/seq2seq_model.h"
#include "report/translation_json.h"

#include "test_checks.h"
#include "tiny_marian_writer.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

void writeLines(const std::string& path, const std::vector<std::string>& lines)
{
    std::ofstream out(path);
    for (const auto& l : lines)
        out << l << '\n';
}

void compareMatrices(const HeadMatrices& a, const HeadMatrices& b)
{
    for (AttentionType t : kSeq2SeqAttentionTypes) {
        QCOMPARE(a.of(t).size(), b.of(t).size());
        for (size_t l = 0; l < a.of(t).size(); ++l)
            for (size_t h = 0; h < a.of(t)[l].size(); ++h)
                QVERIFY2(std::fabs(a.of(t)[l][h] - b.of(t)[l][h]) <= 1e-9 * (1.0 + std::fabs(b.of(t)[l][h])),
                         qPrintable(QStringLiteral("%1 %2:%3").arg(attentionTypeName(t)).arg(l).arg(h)));
        }
}

} // namespace

class TestTranslationCheckpointSeries : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::string m_dir;
    std::string m_src, m_ref;

    std::shared_ptr<const Seq2SeqModel> load(const std::string& path)
    {
        LoadOptions opt;
        opt.nThreads = 1;
        auto model = Seq2SeqModel::load(path, opt);
        if (!model)
            qFatal("%s", model.error().toString().c_str());
        return *model;
    }

    TranslationCheckpointSeriesParams params() const
    {
        TranslationCheckpointSeriesParams p;
        p.sourcePath = m_src;
        p.referencePath = m_ref;
        p.load.nThreads = 1;
        p.importanceParams.batchSize = 2;
        p.curveParams.importance = p.importanceParams;
        p.curveParams.scopes = {PruneScope::All, PruneScope::EncoderDecoder};
        p.curveParams.stepPercent = 25.0;
        p.curveParams.decode.batchSize = 3;
        return p;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_dir = m_tmp.filePath(QStringLiteral("run")).toStdString();
        // epoch-10 sorts before epoch-2 by name: the series must order by the number.
        const std::pair<const char*, uint64_t> checkpoints[] = {{"epoch-10", 3}, {"epoch-2", 2}, {"epoch-1", 1}};
        for (const auto& [name, seed] : checkpoints) {
            TinyMarianSpec spec;
            spec.seed = seed;
            spec.eosBias = 2.0; // a few tokens per hypothesis
            writeTinyMarian(m_dir + "/" + name, spec);
        }
        m_src = m_tmp.filePath(QStringLiteral("test.src")).toStdString();
        m_ref = m_tmp.filePath(QStringLiteral("test.ref")).toStdString();
        writeLines(m_src, {"the cat sat", "a big dog ran", "the red mat", "a cat on the mat", "the dog sat", "a red cat"});
        writeLines(m_ref, {"the cat", "a dog ran", "red mat", "a cat on a mat", "the dog", "a big red cat"});
    }

    void checkpointsInEpochOrder()
    {
        auto list = listCheckpoints(m_dir);
        REQUIRE_OK(list);
        QCOMPARE(list->size(), size_t(3));
        QCOMPARE(QString::fromStdString((*list)[0].name), QStringLiteral("epoch-1"));
        QCOMPARE(QString::fromStdString((*list)[1].name), QStringLiteral("epoch-2"));
        QCOMPARE(QString::fromStdString((*list)[2].name), QStringLiteral("epoch-10"));
        QCOMPARE((*list)[2].epoch, 10);
    }

    // Each checkpoint's importance and curves equal the single-model analyses of that
    // checkpoint, and its curves follow its own importance, not the first checkpoint's.
    void eachCheckpointAnalysedWithItsOwnWeights()
    {
        auto list = listCheckpoints(m_dir);
        REQUIRE_OK(list);
        std::vector<std::string> seen;
        auto r = analyzeTranslationCheckpoints(*list, params(), {}, [&seen](const TranslationCheckpointAnalysis& c) {
            seen.push_back(c.checkpoint.name);
        });
        REQUIRE_OK(r);
        QCOMPARE(r->checkpoints.size(), size_t(3));
        QCOMPARE(seen, (std::vector<std::string>{"epoch-1", "epoch-2", "epoch-10"}));
        QCOMPARE(r->nSentences, int64_t(6));

        std::vector<double> chrfs;
        for (size_t i = 0; i < 3; ++i) {
            const TranslationCheckpointAnalysis& c = r->checkpoints[i];
            QVERIFY(c.importance && c.curves);
            const auto model = load((*list)[i].path);
            QCOMPARE(c.encoderLayers, 2);
            QCOMPARE(c.heads, 4);
            QCOMPARE(c.nParameters, model->parameterCount());
            auto set = loadTranslationSet(*model, m_src, m_ref);
            REQUIRE_OK(set);

            TranslationImportanceParams ip;
            ip.batchSize = 2;
            auto direct = computeTranslationImportance(*model, *set, ip);
            REQUIRE_OK(direct);
            compareMatrices(c.importance->raw, direct->raw);
            compareMatrices(c.importance->normalized, direct->normalized);
            QCOMPARE(c.curves->scores.encoderSelf, direct->normalized.encoderSelf);

            TranslationEvalParams ep;
            ep.decode = params().curveParams.decode;
            ep.computeChrf = false;
            auto eval = evaluateTranslation(*model, *set, ep);
            REQUIRE_OK(eval);
            QCOMPARE(c.bleu, eval->bleu.score);
            QCOMPARE(c.curves->baselineBleu, eval->bleu.score);

            // The "all" curve's point at 50%: the first half of this checkpoint's own order.
            const auto order = translationPruneOrder(direct->normalized, model->fullMasks(), PruneScope::All, 0);
            const TranslationPruneCurve& all = c.curves->curves[0];
            QCOMPARE(all.scope, PruneScope::All);
            QCOMPARE(all.totalHeads, 24);
            const TranslationPruneCurvePoint& half = all.points[2];
            QCOMPARE(half.percent, 50.0);
            QCOMPARE(half.nPruned, 12);
            for (size_t k = 0; k < order.size(); ++k) {
                const HeadId& id = order[k];
                QCOMPARE(half.masks.of(id.type).isKept(id.layer, id.head), k >= 12);
            }
            // The masked decode of that point, recomputed (random weights give BLEU 0 on these
            // short sentences; chrF and the token count are what tell decodes apart).
            TranslationEvalParams pp = ep;
            pp.decode.masks = half.masks;
            pp.computeChrf = true;
            auto pruned = evaluateTranslation(*model, *set, pp);
            REQUIRE_OK(pruned);
            QVERIFY(pruned->chrf);
            QCOMPARE(half.bleu, pruned->bleu.score);
            QCOMPARE(half.chrf, *pruned->chrf);
            QCOMPARE(half.nTokens, pruned->nTokens);
            chrfs.push_back(half.chrf);
        }
        // Different seeds, different importance and decodes: a series that reused one model
        // would fail above.
        QVERIFY(chrfs[0] > 0.0 && chrfs[0] != chrfs[1]);
        QVERIFY(r->checkpoints[0].importance->raw.encoderSelf != r->checkpoints[2].importance->raw.encoderSelf);
    }

    void importanceOnlyStillGivesBleu()
    {
        auto list = listCheckpoints(m_dir);
        REQUIRE_OK(list);
        TranslationCheckpointSeriesParams p = params();
        p.pruneCurves = false;
        p.setOptions.limit = 4;
        int64_t lastDone = -1, lastTotal = -1;
        auto r = analyzeTranslationCheckpoints(*list, p, [&](int64_t done, int64_t total) {
            if (done < lastDone)
                qFatal("progress went backwards");
            lastDone = done;
            lastTotal = total;
            return true;
        });
        REQUIRE_OK(r);
        QCOMPARE(r->nSentences, int64_t(4));
        QCOMPARE(lastDone, lastTotal);
        for (size_t i = 0; i < 3; ++i) {
            QVERIFY(!r->checkpoints[i].curves);
            QCOMPARE(r->checkpoints[i].importance->nExamples, int64_t(4));
            const auto model = load((*list)[i].path);
            TranslationSetOptions so;
            so.limit = 4;
            auto set = loadTranslationSet(*model, m_src, m_ref, so);
            REQUIRE_OK(set);
            TranslationEvalParams ep;
            ep.decode = p.curveParams.decode;
            ep.computeChrf = false;
            auto eval = evaluateTranslation(*model, *set, ep);
            REQUIRE_OK(eval);
            QCOMPARE(r->checkpoints[i].bleu, eval->bleu.score);
        }
    }

    void jsonRoundTrip()
    {
        auto list = listCheckpoints(m_dir);
        REQUIRE_OK(list);
        auto r = analyzeTranslationCheckpoints(*list, params());
        REQUIRE_OK(r);
        const auto j = report::toJson(*r);
        QCOMPARE(QString::fromStdString(report::resultKey(*r)), QStringLiteral("checkpoints"));
        auto back = report::translationCheckpointsFromJson(j);
        REQUIRE_OK(back);
        QCOMPARE(back->checkpoints.size(), size_t(3));
        QCOMPARE(back->checkpoints[2].checkpoint.epoch, 10);
        QCOMPARE(report::toJson(*back).dump(), j.dump());

        auto bad = j;
        bad["checkpoints"][1]["heads"] = 1 << 30;
        auto refused = report::translationCheckpointsFromJson(bad);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidFile);
    }

    void errorsNameTheProblem()
    {
        auto list = listCheckpoints(m_dir);
        REQUIRE_OK(list);
        TranslationCheckpointSeriesParams p = params();
        p.referencePath.clear();
        auto noRef = analyzeTranslationCheckpoints(*list, p);
        QVERIFY(!noRef);
        QCOMPARE(noRef.error().code, ErrorCode::InvalidArgument);

        auto cancelled = analyzeTranslationCheckpoints(*list, params(), [](int64_t done, int64_t) { return done == 0; });
        QVERIFY(!cancelled);
        QCOMPARE(cancelled.error().code, ErrorCode::Cancelled);

        // A classifier checkpoint in the run: named, not a crash on its missing spm files.
        const std::string mixed = m_tmp.filePath(QStringLiteral("mixed")).toStdString();
        TinyMarianSpec spec;
        writeTinyMarian(mixed + "/epoch-1", spec);
        QDir().mkpath(QString::fromStdString(mixed + "/epoch-2"));
        writeLines(mixed + "/epoch-2/config.json", {R"({"model_type": "bert", "num_hidden_layers": 2})"});
        auto mixedList = listCheckpoints(mixed);
        REQUIRE_OK(mixedList);
        auto wrong = analyzeTranslationCheckpoints(*mixedList, params());
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, ErrorCode::Unsupported);
        QVERIFY(QString::fromStdString(wrong.error().path).endsWith(QStringLiteral("epoch-2")));
        QVERIFY(QString::fromStdString(wrong.error().message).contains(QStringLiteral("bert")));

        // A source line the checkpoint cannot take names the file.
        p = params();
        p.sourcePath = m_tmp.filePath(QStringLiteral("missing.src")).toStdString();
        auto missing = analyzeTranslationCheckpoints(*list, p);
        QVERIFY(!missing);
        QVERIFY(QString::fromStdString(missing.error().toString()).contains(QStringLiteral("missing.src")));
    }
};

QTEST_GUILESS_MAIN(TestTranslationCheckpointSeries)
#include "tst_translation_checkpoint_series.moc"
