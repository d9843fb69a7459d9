// headscope-cli analyses against the paper authors' numbers in the reference fixtures:
// ablation, keep-one, paper-code importance, the pruning curve, actual pruning; plus bench,
// compare and Ctrl-C. Runs the built binary with QProcess.
#include "cli_process.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <csignal>
#include <sys/types.h>

using namespace clitest;

class TestCliAnalysis : public QObject
{
    Q_OBJECT

private:
    static QString tinyBert() { return referenceDir() + QStringLiteral("/tiny_bert"); }

    void fixtureColumns()
    {
        QTest::addColumn<QString>("dataFile");
        QTest::addColumn<QString>("referenceFile");
        QTest::newRow("single") << QStringLiteral("data.tsv") << QStringLiteral("tiny_bert_single.json");
        QTest::newRow("pairs") << QStringLiteral("data_pairs.tsv") << QStringLiteral("tiny_bert_pairs.json");
    }

    // Runs `command --model tiny_bert --data FILE --no-header extra... --json -` and parses it.
    CliRun runOnFixture(const QString& command, const QString& dataFile, const QStringList& extra)
    {
        QStringList args{command,
                         QStringLiteral("--model"),
                         tinyBert(),
                         QStringLiteral("--data"),
                         referenceDir() + QLatin1Char('/') + dataFile,
                         QStringLiteral("--no-header"),
                         QStringLiteral("--batch-size"),
                         QStringLiteral("32")};
        args += extra;
        args += {QStringLiteral("--json"), QStringLiteral("-")};
        return runCli(args);
    }

    // A result under "results" (schema 2).
    static QJsonObject section(const QJsonObject& doc, const char* key)
    {
        return doc[QStringLiteral("results")][QLatin1String(key)].toObject();
    }

    static QJsonValue encoderSelf(const QJsonObject& doc, const char* key)
    {
        return doc[QLatin1String(key)][QStringLiteral("encoder_self")];
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(cliBinary()).isExecutable(),
                 qPrintable(cliBinary() + QStringLiteral(" is not built")));
        if (!QFileInfo::exists(referenceDir() + QStringLiteral("/tiny_bert/config.json")))
            QSKIP("reference fixtures absent (HEADSCOPE_FIXTURES_DIR/reference)");
    }

    void singleHeadAblation_data() { fixtureColumns(); }
    void singleHeadAblation()
    {
        QFETCH(QString, dataFile);
        QFETCH(QString, referenceFile);
        const QJsonObject ref = readJsonObject(referenceDir() + QLatin1Char('/') + referenceFile);
        const CliRun r = runOnFixture(
            QStringLiteral("ablate"), dataFile,
            {QStringLiteral("--mode"), QStringLiteral("single"), QStringLiteral("--significance")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.jsonOk);
        QCOMPARE(section(r.json, "ablation")[QStringLiteral("mode")].toString(), QStringLiteral("single"));
        QCOMPARE(section(r.json, "ablation")[QStringLiteral("fast_path")].toBool(), true);
        const QJsonObject baseline = section(r.json, "ablation")[QStringLiteral("baseline")].toObject();
        QCOMPARE(baseline[QStringLiteral("metric")].toString(), QStringLiteral("accuracy"));
        QVERIFY(std::fabs(baseline[QStringLiteral("value")].toDouble() -
                          ref[QStringLiteral("baseline")][QStringLiteral("accuracy")].toDouble()) < 1e-12);
        QCOMPARE(baseline[QStringLiteral("n")].toInt(),
                 ref[QStringLiteral("meta")][QStringLiteral("n_examples")].toInt());
        // Accuracies are k/n: "exactly" up to the rounding of the division.
        QVERIFY(maxAbsDiff(encoderSelf(section(r.json, "ablation"), "accuracy"),
                           ref[QStringLiteral("single_head_masked_accuracy")]) < 1e-12);
        QVERIFY(maxAbsDiff(encoderSelf(section(r.json, "ablation"), "delta"),
                           ref[QStringLiteral("single_head_masked_accuracy_delta")]) < 1e-12);

        // p-values in [0, 1]; "significant" is p_ttest < 0.01; a head whose masking changes no
        // prediction has p = 1 in both tests.
        const QJsonArray p = encoderSelf(section(r.json, "ablation"), "p_ttest").toArray();
        const QJsonArray pm = encoderSelf(section(r.json, "ablation"), "p_mcnemar").toArray();
        const QJsonArray sig = encoderSelf(section(r.json, "ablation"), "significant").toArray();
        const QJsonArray delta = ref[QStringLiteral("single_head_masked_accuracy_delta")].toArray();
        QCOMPARE(p.size(), 4);
        QCOMPARE(sig.size(), 4);
        for (int l = 0; l < 4; ++l) {
            for (int h = 0; h < 4; ++h) {
                const double pt = p[l][h].toDouble(-1), pmc = pm[l][h].toDouble(-1);
                QVERIFY(pt >= 0 && pt <= 1);
                QVERIFY(pmc >= 0 && pmc <= 1);
                QCOMPARE(sig[l][h].toBool(), pt < 0.01);
                // |delta| >= 1/n is needed for any evidence; a zero delta cannot be significant.
                if (delta[l][h].toDouble() == 0.0) QVERIFY(!sig[l][h].toBool());
            }
        }
    }

    void naiveAblationEqualsFastPath()
    {
        const CliRun fast = runOnFixture(QStringLiteral("ablate"), QStringLiteral("data.tsv"), {});
        const CliRun naive =
            runOnFixture(QStringLiteral("ablate"), QStringLiteral("data.tsv"), {QStringLiteral("--naive")});
        QVERIFY2(fast.exitCode == 0 && naive.exitCode == 0, naive.err.constData());
        QCOMPARE(section(naive.json, "ablation")[QStringLiteral("fast_path")].toBool(), false);
        QCOMPARE(encoderSelf(section(naive.json, "ablation"), "accuracy"), encoderSelf(section(fast.json, "ablation"), "accuracy"));
        // Schema 2: p-values are always written (the flag only marks the summary table).
        QCOMPARE(encoderSelf(section(naive.json, "ablation"), "p_ttest"), encoderSelf(section(fast.json, "ablation"), "p_ttest"));
    }

    void keepOneHead_data() { fixtureColumns(); }
    void keepOneHead()
    {
        QFETCH(QString, dataFile);
        QFETCH(QString, referenceFile);
        const QJsonObject ref = readJsonObject(referenceDir() + QLatin1Char('/') + referenceFile);
        const CliRun r = runOnFixture(QStringLiteral("ablate"), dataFile,
                                      {QStringLiteral("--mode"), QStringLiteral("keep-one")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(section(r.json, "keep_one")[QStringLiteral("mode")].toString(), QStringLiteral("keep-one"));
        QVERIFY(maxAbsDiff(encoderSelf(section(r.json, "keep_one"), "accuracy"),
                           ref[QStringLiteral("keep_only_one_head_in_layer_accuracy")]) < 1e-12);
    }

    void paperCodeImportance_data() { fixtureColumns(); }
    void paperCodeImportance()
    {
        QFETCH(QString, dataFile);
        QFETCH(QString, referenceFile);
        const QJsonObject ref = readJsonObject(referenceDir() + QLatin1Char('/') + referenceFile);
        const QJsonObject importance = ref[QStringLiteral("head_importance")].toObject();
        const CliRun r = runOnFixture(QStringLiteral("importance"), dataFile,
                                      {QStringLiteral("--method"), QStringLiteral("paper-code"),
                                       QStringLiteral("--normalize"), QStringLiteral("layer")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(section(r.json, "importance")[QStringLiteral("method")].toString(), QStringLiteral("paper-code"));
        QCOMPARE(section(r.json, "importance")[QStringLiteral("normalization")].toString(), QStringLiteral("layer"));
        QCOMPARE(section(r.json, "importance")[QStringLiteral("n_examples")].toInt(),
                 importance[QStringLiteral("examples_used")].toInt());
        QCOMPARE(section(r.json, "importance")[QStringLiteral("n_tokens")].toDouble(),
                 importance[QStringLiteral("total_tokens_divisor")].toDouble());
        const double raw =
            maxRelDiff(encoderSelf(section(r.json, "importance"), "scores_raw"), importance[QStringLiteral("raw")]);
        const double norm =
            maxRelDiff(encoderSelf(section(r.json, "importance"), "scores"), importance[QStringLiteral("layer_normalized")]);
        QVERIFY2(raw <= 1e-4, qPrintable(QStringLiteral("raw importance relative difference %1").arg(raw)));
        QVERIFY2(norm <= 1e-4,
                 qPrintable(QStringLiteral("normalised importance relative difference %1").arg(norm)));
    }

    void attentionEntropy_data() { fixtureColumns(); }
    void attentionEntropy()
    {
        QFETCH(QString, dataFile);
        QFETCH(QString, referenceFile);
        const QJsonObject ref = readJsonObject(referenceDir() + QLatin1Char('/') + referenceFile);
        const CliRun r = runOnFixture(QStringLiteral("attention"), dataFile,
                                      {QStringLiteral("--example"), QStringLiteral("0"), QStringLiteral("--layer"),
                                       QStringLiteral("1"), QStringLiteral("--head"), QStringLiteral("2")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const double diff = maxAbsDiff(encoderSelf(section(r.json, "entropy"), "entropy"),
                                       ref[QStringLiteral("attention_entropy")].toObject()[QStringLiteral("per_token_mean")]);
        QVERIFY2(diff <= 1e-5, qPrintable(QStringLiteral("entropy difference %1").arg(diff)));
        // The matrix has the example's tokens on both axes and each query row sums to 1.
        const QJsonObject a = section(r.json, "attention");
        const QJsonArray tokens = a[QStringLiteral("tokens")].toArray();
        const QJsonArray expectedTokens =
            ref[QStringLiteral("examples_first")].toArray()[0].toObject()[QStringLiteral("tokens")].toArray();
        QCOMPARE(tokens, expectedTokens);
        const QJsonArray weights = a[QStringLiteral("weights")].toArray();
        QCOMPARE(weights.size(), tokens.size());
        for (const auto& row : weights) {
            double sum = 0.0;
            for (const auto& w : row.toArray())
                sum += w.toDouble();
            QVERIFY(std::abs(sum - 1.0) < 1e-4);
        }
    }

    void pruningCurve_data() { fixtureColumns(); }
    void pruningCurve()
    {
        QFETCH(QString, dataFile);
        QFETCH(QString, referenceFile);
        const QJsonObject ref = readJsonObject(referenceDir() + QLatin1Char('/') + referenceFile);
        const CliRun r =
            runOnFixture(QStringLiteral("prune-curve"), dataFile,
                         {QStringLiteral("--order"), QStringLiteral("importance"), QStringLiteral("--step"),
                          QStringLiteral("5"), QStringLiteral("--method"), QStringLiteral("paper-code"),
                          QStringLiteral("--normalize"), QStringLiteral("layer")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray curves = section(r.json, "prune_curves")[QStringLiteral("curves")].toArray();
        QCOMPARE(curves.size(), 1);
        QCOMPARE(curves[0][QStringLiteral("order")].toString(), QStringLiteral("importance"));
        const QJsonArray points = curves[0][QStringLiteral("points")].toArray();
        const QJsonArray steps = ref[QStringLiteral("pruning_curve")][QStringLiteral("steps")].toArray();
        QVERIFY(steps.size() >= 20);
        for (const QJsonValue& step : steps) {
            const double percent = step[QStringLiteral("percent")].toDouble();
            QJsonObject point;
            for (const QJsonValue& p : points) {
                if (std::fabs(p[QStringLiteral("percent")].toDouble() - percent) < 1e-9) point = p.toObject();
            }
            QVERIFY2(!point.isEmpty(), qPrintable(QStringLiteral("no point at %1%").arg(percent)));
            QCOMPARE(point[QStringLiteral("n_pruned")].toInt(), step[QStringLiteral("n_pruned")].toInt());
            QCOMPARE(point[QStringLiteral("pruned")][QStringLiteral("encoder_self")].toObject(),
                     step[QStringLiteral("pruned_heads")].toObject());
            const QJsonObject accuracy = point[QStringLiteral("accuracy")].toObject();
            QVERIFY2(std::fabs(accuracy[QStringLiteral("value")].toDouble() -
                               step[QStringLiteral("accuracy")].toDouble()) < 1e-12,
                     qPrintable(QStringLiteral("accuracy at %1%").arg(percent)));
            QVERIFY(accuracy[QStringLiteral("low")].toDouble() <= accuracy[QStringLiteral("value")].toDouble());
            QVERIFY(accuracy[QStringLiteral("high")].toDouble() >= accuracy[QStringLiteral("value")].toDouble());
        }
        // The 50% step is the fixture's actual-pruning mask: same parameter count.
        const QJsonObject pruning = ref[QStringLiteral("actual_pruning")].toObject();
        for (const QJsonValue& p : points) {
            if (std::fabs(p[QStringLiteral("percent")].toDouble() - 50.0) < 1e-9)
                QCOMPARE(p[QStringLiteral("parameters")].toInteger(),
                         pruning[QStringLiteral("params_after")].toInteger());
        }
        QVERIFY(std::fabs(section(r.json, "prune_curves")[QStringLiteral("baseline")][QStringLiteral("value")].toDouble() -
                          ref[QStringLiteral("baseline")][QStringLiteral("accuracy")].toDouble()) < 1e-12);
    }

    void severalOrdersAndMaskExport()
    {
        QTemporaryDir tmp;
        const QString mask = tmp.filePath(QStringLiteral("step50.txt"));
        const CliRun r =
            runOnFixture(QStringLiteral("prune-curve"), QStringLiteral("data.tsv"),
                         {QStringLiteral("--order"), QStringLiteral("importance,random"),
                          QStringLiteral("--order"), QStringLiteral("ablation"), QStringLiteral("--step"),
                          QStringLiteral("25"), QStringLiteral("--method"), QStringLiteral("paper-code"),
                          QStringLiteral("--export-mask"), mask, QStringLiteral("--mask-format"),
                          QStringLiteral("paper"), QStringLiteral("--export-step"), QStringLiteral("50")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray curves = section(r.json, "prune_curves")[QStringLiteral("curves")].toArray();
        QCOMPARE(curves.size(), 3);
        QCOMPARE(curves[0][QStringLiteral("order")].toString(), QStringLiteral("importance"));
        QCOMPARE(curves[1][QStringLiteral("order")].toString(), QStringLiteral("random"));
        QCOMPARE(curves[2][QStringLiteral("order")].toString(), QStringLiteral("ablation"));
        for (const QJsonValue& c : curves) {
            for (const QJsonValue& p : c[QStringLiteral("points")].toArray()) {
                // floor(p / 100 * 16) heads at p%.
                QCOMPARE(p[QStringLiteral("n_pruned")].toInt(),
                         int(p[QStringLiteral("percent")].toDouble() * 16 / 100));
            }
        }
        // The paper-code importance order at 50% is the fixture's actual-pruning mask.
        QFile f(mask);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().trimmed(), QByteArray("1:1,2 2:1 3:2,4 4:1,2,4"));
    }

    void prune_data() { fixtureColumns(); }
    void prune()
    {
        QFETCH(QString, dataFile);
        QFETCH(QString, referenceFile);
        const QJsonObject ref = readJsonObject(referenceDir() + QLatin1Char('/') + referenceFile);
        const QJsonObject pruning = ref[QStringLiteral("actual_pruning")].toObject();
        QTemporaryDir tmp;
        const QString mask = tmp.filePath(QStringLiteral("mask.json"));
        QVERIFY(writeMaskJson(mask, pruning[QStringLiteral("pruned_heads")].toObject(), 4, 4));
        const QString out = tmp.filePath(QStringLiteral("pruned_model"));
        const CliRun r =
            runCli({QStringLiteral("prune"), QStringLiteral("--model"), tinyBert(), QStringLiteral("--mask"),
                    mask, QStringLiteral("--out"), out, QStringLiteral("--verify-data"),
                    referenceDir() + QLatin1Char('/') + dataFile, QStringLiteral("--no-header"),
                    QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json[QStringLiteral("params_before")].toInteger(),
                 pruning[QStringLiteral("params_before")].toInteger());
        QCOMPARE(r.json[QStringLiteral("params_after")].toInteger(),
                 pruning[QStringLiteral("params_after")].toInteger());
        QCOMPARE(r.json[QStringLiteral("heads_per_layer_after")].toArray(),
                 pruning[QStringLiteral("heads_left_per_layer")].toArray());
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/config.json")));
        QVERIFY(QFileInfo::exists(out + QStringLiteral("/model.safetensors")));
        const QJsonObject verify = r.json[QStringLiteral("verify")].toObject();
        QVERIFY(verify[QStringLiteral("max_abs_logit_diff")].toDouble(1) <= 1e-5);
        QVERIFY(std::fabs(verify[QStringLiteral("accuracy_pruned")][QStringLiteral("value")].toDouble() -
                          pruning[QStringLiteral("accuracy_pruned")].toDouble()) < 1e-12);

        // The written model reloads with the pruned shape and the paper code's pruned logits.
        const CliRun e =
            runCli({QStringLiteral("eval"), QStringLiteral("--model"), out, QStringLiteral("--data"),
                    referenceDir() + QLatin1Char('/') + dataFile, QStringLiteral("--no-header"),
                    QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(e.exitCode == 0, e.err.constData());
        QCOMPARE(e.json[QStringLiteral("model")][QStringLiteral("heads_per_layer")].toArray(),
                 pruning[QStringLiteral("heads_left_per_layer")].toArray());
        QCOMPARE(e.json[QStringLiteral("model")][QStringLiteral("parameters")].toInteger(),
                 pruning[QStringLiteral("params_after")].toInteger());
        const QJsonArray examples = e.json[QStringLiteral("examples_first")].toArray();
        const QJsonArray logits8 = pruning[QStringLiteral("logits_first8_pruned")].toArray();
        QCOMPARE(examples.size(), logits8.size());
        for (qsizetype i = 0; i < logits8.size(); ++i)
            QVERIFY(maxAbsDiff(examples[i][QStringLiteral("logits")], logits8[i]) <= 1e-5);
    }

    void bench()
    {
        const QJsonObject ref = readJsonObject(referenceDir() + QStringLiteral("/tiny_bert_single.json"));
        const QJsonObject pruning = ref[QStringLiteral("actual_pruning")].toObject();
        QTemporaryDir tmp;
        const QString mask = tmp.filePath(QStringLiteral("mask.json"));
        QVERIFY(writeMaskJson(mask, pruning[QStringLiteral("pruned_heads")].toObject(), 4, 4));
        const CliRun r =
            runCli({QStringLiteral("bench"), QStringLiteral("--model"), tinyBert(), QStringLiteral("--mask"),
                    mask, QStringLiteral("--batch-sizes"), QStringLiteral("1,2"), QStringLiteral("--seq-len"),
                    QStringLiteral("16"), QStringLiteral("--warmup"), QStringLiteral("1"),
                    QStringLiteral("--runs"), QStringLiteral("3"), QStringLiteral("--threads"),
                    QStringLiteral("1"), QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray m = section(r.json, "latency")[QStringLiteral("measurements")].toArray();
        QCOMPARE(m.size(), 6); // 2 batch sizes x original, masked, pruned
        QSet<QString> variants;
        for (const QJsonValue& v : m) {
            const QString variant = v[QStringLiteral("variant")].toString();
            variants.insert(variant);
            QCOMPARE(v[QStringLiteral("seq_len")].toInt(), 16);
            QVERIFY(v[QStringLiteral("q1_ms")].toDouble() <= v[QStringLiteral("median_ms")].toDouble());
            QVERIFY(v[QStringLiteral("median_ms")].toDouble() <= v[QStringLiteral("q3_ms")].toDouble());
            const double expectedRate = v[QStringLiteral("batch_size")].toDouble() * 1000.0 /
                                        v[QStringLiteral("median_ms")].toDouble();
            QVERIFY(std::fabs(v[QStringLiteral("examples_per_second")].toDouble() - expectedRate) <=
                    1e-6 * expectedRate);
            const qint64 params = v[QStringLiteral("parameters")].toInteger();
            QCOMPARE(params, variant == QStringLiteral("pruned")
                                 ? pruning[QStringLiteral("params_after")].toInteger()
                                 : pruning[QStringLiteral("params_before")].toInteger());
        }
        QCOMPARE(variants, (QSet<QString>{QStringLiteral("original"), QStringLiteral("masked"),
                                          QStringLiteral("pruned")}));
        for (const QJsonValue& v : m)
            if (v[QStringLiteral("variant")].toString() == QStringLiteral("original"))
                QCOMPARE(v[QStringLiteral("speedup")].toDouble(), 1.0);
        QCOMPARE(section(r.json, "latency")[QStringLiteral("threads")].toInt(), 1);
        QVERIFY(section(r.json, "latency")[QStringLiteral("ideal_speedup")].toDouble() > 1.0);
    }

    void compareSameDataCorrelatesPerfectly()
    {
        const QString data = referenceDir() + QStringLiteral("/data.tsv");
        const CliRun r = runCli(
            {QStringLiteral("compare"), QStringLiteral("--model"), tinyBert(), QStringLiteral("--data"), data,
             QStringLiteral("--data2"), data, QStringLiteral("--no-header"), QStringLiteral("--method"),
             QStringLiteral("paper-code"), QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject corr = section(r.json, "compare")[QStringLiteral("correlation")].toObject();
        for (const QString& key : {QStringLiteral("ablation_delta"), QStringLiteral("importance")}) {
            QCOMPARE(corr[key][QStringLiteral("n")].toInt(), 16);
            QVERIFY(std::fabs(corr[key][QStringLiteral("pearson")].toDouble() - 1.0) < 1e-9);
            QVERIFY(std::fabs(corr[key][QStringLiteral("spearman")].toDouble() - 1.0) < 1e-9);
        }
        const QJsonObject ref = readJsonObject(referenceDir() + QStringLiteral("/tiny_bert_single.json"));
        const QJsonObject results = section(r.json, "compare");
        QVERIFY(maxAbsDiff(results[QStringLiteral("b")][QStringLiteral("ablation")]
                                  [QStringLiteral("delta")][QStringLiteral("encoder_self")],
                           ref[QStringLiteral("single_head_masked_accuracy_delta")]) < 1e-12);
        QVERIFY(maxRelDiff(results[QStringLiteral("a")][QStringLiteral("importance")]
                                  [QStringLiteral("scores")][QStringLiteral("encoder_self")],
                           ref[QStringLiteral("head_importance")][QStringLiteral("layer_normalized")]) <
                1e-4);
    }

    void interruptExitsWith130()
    {
        // Many timed runs: far longer than the test waits unless Ctrl-C stops it.
        QProcess p;
        p.setReadChannel(QProcess::StandardError);
        p.start(cliBinary(),
                {QStringLiteral("bench"), QStringLiteral("--model"), tinyBert(),
                 QStringLiteral("--batch-sizes"), QStringLiteral("1"), QStringLiteral("--seq-len"),
                 QStringLiteral("8,16,32,64"), QStringLiteral("--warmup"), QStringLiteral("0"),
                 QStringLiteral("--runs"), QStringLiteral("1000000"), QStringLiteral("--progress")});
        QVERIFY(p.waitForStarted(60000));
        QByteArray err;
        while (!err.contains("bench:")) {
            QVERIFY2(p.waitForReadyRead(120000), err.constData());
            err += p.readAllStandardError();
        }
        QCOMPARE(::kill(pid_t(p.processId()), SIGINT), 0);
        QVERIFY(p.waitForFinished(120000));
        err += p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 130);
        QVERIFY2(err.contains("interrupted"), err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCliAnalysis)
#include "tst_cli_analysis.moc"
