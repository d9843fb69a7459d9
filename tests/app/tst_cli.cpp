// headscope-cli end to end: eval against the paper authors' numbers (fixtures), exit codes,
// the JSON envelope, info, and mask conversion. Runs the built binary with QProcess.
#include "cli_process.h"

#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/resource.h>

using namespace clitest;

class TestCli : public QObject
{
    Q_OBJECT

private:
    void requireReference()
    {
        if (!QFileInfo::exists(referenceDir() + QStringLiteral("/tiny_bert/config.json")))
            QSKIP("reference fixtures absent (HEADSCOPE_FIXTURES_DIR/reference)");
    }
    static QString tinyBert() { return referenceDir() + QStringLiteral("/tiny_bert"); }

private slots:
    void initTestCase()
    {
        // A missing binary is a build problem, not a reason to skip.
        QVERIFY2(QFileInfo(cliBinary()).isExecutable(),
                 qPrintable(cliBinary() + QStringLiteral(" is not built")));
    }

    void helpAndVersion()
    {
        const CliRun help = runCli({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("prune-curve"));
        const CliRun version = runCli({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.contains("headscope-cli"));
    }

    void badArgumentsExitWith2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no subcommand") << QStringList{};
        QTest::newRow("unknown subcommand") << QStringList{QStringLiteral("frobnicate")};
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("info"), QStringLiteral("--model"), QStringLiteral("/nonexistent"),
                           QStringLiteral("--bogus")};
        QTest::newRow("missing --data")
            << QStringList{QStringLiteral("eval"), QStringLiteral("--model"), QStringLiteral("/x")};
        QTest::newRow("batch size 0") << QStringList{QStringLiteral("eval"), QStringLiteral("--model"),
                                                     QStringLiteral("/x"),   QStringLiteral("--data"),
                                                     QStringLiteral("/y"),   QStringLiteral("--batch-size"),
                                                     QStringLiteral("0")};
        QTest::newRow("bad device") << QStringList{QStringLiteral("info"), QStringLiteral("--model"),
                                                   QStringLiteral("/x"), QStringLiteral("--device"),
                                                   QStringLiteral("gpu")};
        QTest::newRow("bad precision")
            << QStringList{QStringLiteral("info"), QStringLiteral("--model"), QStringLiteral("/x"),
                           QStringLiteral("--precision"), QStringLiteral("fp8")};
        QTest::newRow("bad method") << QStringList{QStringLiteral("importance"), QStringLiteral("--model"),
                                                   QStringLiteral("/x"),         QStringLiteral("--data"),
                                                   QStringLiteral("/y"),         QStringLiteral("--method"),
                                                   QStringLiteral("magic")};
        QTest::newRow("bad order") << QStringList{QStringLiteral("prune-curve"),
                                                  QStringLiteral("--model"),
                                                  QStringLiteral("/x"),
                                                  QStringLiteral("--data"),
                                                  QStringLiteral("/y"),
                                                  QStringLiteral("--order"),
                                                  QStringLiteral("importance,alphabetical")};
    }
    void badArgumentsExitWith2()
    {
        QFETCH(QStringList, args);
        const CliRun r = runCli(args);
        QVERIFY(r.finished);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.err.isEmpty());
    }

    void missingModelExitsWith3()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString missing = tmp.path() + QStringLiteral("/no_such_model");
        const CliRun r = runCli(
            {QStringLiteral("info"), QStringLiteral("--model"), missing, QStringLiteral("--no-speed-check")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains(missing.toUtf8()), r.err.constData());
    }

    void unsupportedArchitectureExitsWith3()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        QFile config(tmp.filePath(QStringLiteral("config.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(R"({"model_type": "gpt2", "n_layer": 2, "n_head": 2, "n_embd": 8, "vocab_size": 10})");
        config.close();
        const CliRun r = runCli({QStringLiteral("info"), QStringLiteral("--model"), tmp.path(),
                                 QStringLiteral("--no-speed-check")});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("unsupported architecture"), r.err.constData());
        QVERIFY2(r.err.contains("gpt2"), r.err.constData());
    }

    void missingDataExitsWith3()
    {
        requireReference();
        const QString missing = referenceDir() + QStringLiteral("/no_such_data.tsv");
        const CliRun r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), tinyBert(),
                                 QStringLiteral("--data"), missing});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("no_such_data.tsv"), r.err.constData());
    }

    void maskOfWrongShapeExitsWith3()
    {
        requireReference();
        QTemporaryDir tmp;
        const QString mask = tmp.filePath(QStringLiteral("mask.json"));
        QVERIFY(writeMaskJson(mask, QJsonObject{{QStringLiteral("0"), QJsonArray{1}}}, 12, 12));
        const CliRun r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), tinyBert(),
                                 QStringLiteral("--data"), referenceDir() + QStringLiteral("/data.tsv"),
                                 QStringLiteral("--no-header"), QStringLiteral("--mask"), mask});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("mask.json"), r.err.constData());
    }

    void evalMatchesReference_data()
    {
        QTest::addColumn<QString>("dataFile");
        QTest::addColumn<QString>("referenceFile");
        QTest::newRow("single") << QStringLiteral("data.tsv") << QStringLiteral("tiny_bert_single.json");
        QTest::newRow("pairs") << QStringLiteral("data_pairs.tsv") << QStringLiteral("tiny_bert_pairs.json");
    }
    void evalMatchesReference()
    {
        requireReference();
        QFETCH(QString, dataFile);
        QFETCH(QString, referenceFile);
        const QJsonObject ref = readJsonObject(referenceDir() + QLatin1Char('/') + referenceFile);
        const CliRun r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), tinyBert(),
                                 QStringLiteral("--data"), referenceDir() + QLatin1Char('/') + dataFile,
                                 QStringLiteral("--no-header"), QStringLiteral("--batch-size"),
                                 QStringLiteral("32"), QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.jsonOk);

        const QJsonArray mine = r.json[QStringLiteral("examples_first")].toArray();
        const QJsonArray theirs = ref[QStringLiteral("examples_first")].toArray();
        QVERIFY(!theirs.isEmpty());
        QCOMPARE(mine.size(),
                 qMin<qsizetype>(8, ref[QStringLiteral("meta")][QStringLiteral("n_examples")].toInt()));
        for (qsizetype i = 0; i < theirs.size() && i < mine.size(); ++i) {
            const QJsonObject a = mine[i].toObject(), b = theirs[i].toObject();
            QCOMPARE(a[QStringLiteral("text_a")], b[QStringLiteral("text_a")]);
            QCOMPARE(a[QStringLiteral("text_b")], b[QStringLiteral("text_b")]);
            QCOMPARE(a[QStringLiteral("tokens")], b[QStringLiteral("tokens")]);
            QCOMPARE(a[QStringLiteral("input_ids")], b[QStringLiteral("input_ids")]);
            QCOMPARE(a[QStringLiteral("token_type_ids")], b[QStringLiteral("segment_ids")]);
            QCOMPARE(a[QStringLiteral("label")], b[QStringLiteral("label_id")]);
            QVERIFY(maxAbsDiff(a[QStringLiteral("logits")], b[QStringLiteral("logits")]) <= 1e-5);
        }
        const QJsonArray logits8 = ref[QStringLiteral("logits_first8")].toArray();
        QCOMPARE(logits8.size(), mine.size());
        for (qsizetype i = 0; i < logits8.size(); ++i) {
            const double d = maxAbsDiff(mine[i][QStringLiteral("logits")], logits8[i]);
            QVERIFY2(d <= 1e-5, qPrintable(QStringLiteral("example %1: logit difference %2").arg(i).arg(d)));
        }

        const QJsonObject baseline = ref[QStringLiteral("baseline")].toObject();
        const QJsonObject evaluation = r.json[QStringLiteral("results")][QStringLiteral("evaluation")].toObject();
        const QJsonObject accuracy = evaluation[QStringLiteral("accuracy")].toObject();
        QVERIFY(std::fabs(accuracy[QStringLiteral("value")].toDouble() -
                          baseline[QStringLiteral("accuracy")].toDouble()) < 1e-12);
        const int n = ref[QStringLiteral("meta")][QStringLiteral("n_examples")].toInt();
        QCOMPARE(accuracy[QStringLiteral("n")].toInt(), n);
        QCOMPARE(accuracy[QStringLiteral("n_correct")].toInt(),
                 qRound(baseline[QStringLiteral("accuracy")].toDouble() * n));
        QVERIFY(accuracy[QStringLiteral("low")].toDouble() < accuracy[QStringLiteral("value")].toDouble());
        QVERIFY(accuracy[QStringLiteral("high")].toDouble() > accuracy[QStringLiteral("value")].toDouble());
        QCOMPARE(evaluation[QStringLiteral("predictions")], baseline[QStringLiteral("predictions")]);

        const QJsonObject latency = evaluation[QStringLiteral("latency")].toObject();
        QCOMPARE(latency[QStringLiteral("n_batches")].toInt(), (n + 31) / 32);
        QCOMPARE(evaluation[QStringLiteral("batch_size")].toInt(), 32);
        QVERIFY(latency[QStringLiteral("examples_per_second")].toDouble() > 0);
        QVERIFY(evaluation[QStringLiteral("mean_loss")].toDouble() > 0);
        QVERIFY(r.err.contains("accuracy"));
    }

    void evalWithMaskMatchesReference_data() { evalMatchesReference_data(); }
    void evalWithMaskMatchesReference()
    {
        requireReference();
        QFETCH(QString, dataFile);
        QFETCH(QString, referenceFile);
        const QJsonObject ref = readJsonObject(referenceDir() + QLatin1Char('/') + referenceFile);
        const QJsonObject pruning = ref[QStringLiteral("actual_pruning")].toObject();
        QTemporaryDir tmp;
        const QString mask = tmp.filePath(QStringLiteral("mask.json"));
        QVERIFY(writeMaskJson(mask, pruning[QStringLiteral("pruned_heads")].toObject(), 4, 4));

        const CliRun r =
            runCli({QStringLiteral("eval"), QStringLiteral("--model"), tinyBert(), QStringLiteral("--data"),
                    referenceDir() + QLatin1Char('/') + dataFile, QStringLiteral("--no-header"),
                    QStringLiteral("--mask"), mask, QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.jsonOk);
        const double accuracy =
            r.json[QStringLiteral("results")][QStringLiteral("evaluation")][QStringLiteral("accuracy")][QStringLiteral("value")].toDouble();
        QVERIFY(std::fabs(accuracy - pruning[QStringLiteral("accuracy_masked")].toDouble()) < 1e-12);
        const QJsonArray mine = r.json[QStringLiteral("examples_first")].toArray();
        const QJsonArray logits8 = pruning[QStringLiteral("logits_first8_masked")].toArray();
        QCOMPARE(mine.size(), logits8.size());
        for (qsizetype i = 0; i < logits8.size(); ++i)
            QVERIFY(maxAbsDiff(mine[i][QStringLiteral("logits")], logits8[i]) <= 1e-5);
        const QJsonObject maskJson = r.json[QStringLiteral("mask")].toObject();
        QCOMPARE(maskJson[QStringLiteral("n_masked")].toInt(), pruning[QStringLiteral("n_pruned")].toInt());
        QCOMPARE(maskJson[QStringLiteral("pruned")][QStringLiteral("encoder_self")].toObject(),
                 pruning[QStringLiteral("pruned_heads")].toObject());
    }

    void jsonEnvelope()
    {
        requireReference();
        QTemporaryDir tmp;
        const QString out = tmp.filePath(QStringLiteral("eval.json"));
        const CliRun r =
            runCli({QStringLiteral("eval"), QStringLiteral("--model"), tinyBert(), QStringLiteral("--data"),
                    referenceDir() + QStringLiteral("/data.tsv"), QStringLiteral("--no-header"),
                    QStringLiteral("--limit"), QStringLiteral("10"), QStringLiteral("--json"), out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.isEmpty()); // results go to the file, the summary to stderr
        const QJsonObject j = readJsonObject(out);
        QCOMPARE(j[QStringLiteral("schema")].toInt(), 2);
        QCOMPARE(j[QStringLiteral("command")].toString(), QStringLiteral("eval"));
        QVERIFY(!j[QStringLiteral("headscope_version")].toString().isEmpty());
        const QJsonObject model = j[QStringLiteral("model")].toObject();
        QCOMPARE(model[QStringLiteral("architecture")].toString(), QStringLiteral("bert"));
        QCOMPARE(model[QStringLiteral("layers")].toInt(), 4);
        QCOMPARE(model[QStringLiteral("heads")].toInt(), 4);
        QCOMPARE(model[QStringLiteral("heads_per_layer")].toArray(), (QJsonArray{4, 4, 4, 4}));
        // params_before of the fixture's actual-pruning record (paper code).
        QCOMPARE(model[QStringLiteral("parameters")].toInteger(), 159106);
        QCOMPARE(model[QStringLiteral("device")].toString(), QStringLiteral("cpu"));
        QCOMPARE(model[QStringLiteral("precision")].toString(), QStringLiteral("fp32"));
        const QJsonObject data = j[QStringLiteral("data")].toObject();
        QCOMPARE(data[QStringLiteral("n")].toInt(), 10);
        QCOMPARE(data[QStringLiteral("skipped")].toInt(), 0);
        QCOMPARE(data[QStringLiteral("warnings")].toArray().size(), 0);
        const QJsonObject evaluation = j[QStringLiteral("results")][QStringLiteral("evaluation")].toObject();
        QCOMPARE(evaluation[QStringLiteral("predictions")].toArray().size(), 10);
        QCOMPARE(evaluation[QStringLiteral("accuracy")][QStringLiteral("n")].toInt(), 10);
    }

    void malformedLinesAreReportedOrStop()
    {
        requireReference();
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("ragged.tsv"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("sentence\tlabel\ngood film\t1\nbad\t0\textra\nfine\t1\n");
        f.close();

        const CliRun r =
            runCli({QStringLiteral("eval"), QStringLiteral("--model"), tinyBert(), QStringLiteral("--data"),
                    path, QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject data = r.json[QStringLiteral("data")].toObject();
        QCOMPARE(data[QStringLiteral("n")].toInt(), 2);
        QCOMPARE(data[QStringLiteral("skipped")].toInt(), 1);
        const QJsonArray warnings = data[QStringLiteral("warnings")].toArray();
        QCOMPARE(warnings.size(), 1);
        QCOMPARE(warnings[0][QStringLiteral("line")].toInt(), 3);
        QVERIFY(!warnings[0][QStringLiteral("message")].toString().isEmpty());
        QCOMPARE(data[QStringLiteral("columns")][QStringLiteral("text")].toString(),
                 QStringLiteral("sentence"));
        QVERIFY2(r.err.contains("ragged.tsv:3"), r.err.constData());

        const CliRun strict = runCli({QStringLiteral("eval"), QStringLiteral("--model"), tinyBert(),
                                      QStringLiteral("--data"), path, QStringLiteral("--strict")});
        QCOMPARE(strict.exitCode, 3);
        QVERIFY2(strict.err.contains("ragged.tsv") && strict.err.contains("3"), strict.err.constData());
    }

    void infoDescribesModel()
    {
        requireReference();
        const CliRun r =
            runCli({QStringLiteral("info"), QStringLiteral("--model"), tinyBert(),
                    QStringLiteral("--no-speed-check"), QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.jsonOk);
        QCOMPARE(r.json[QStringLiteral("command")].toString(), QStringLiteral("info"));
        const QJsonObject config = r.json[QStringLiteral("config")].toObject();
        QCOMPARE(config[QStringLiteral("hidden_size")].toInt(), 64);
        QCOMPARE(config[QStringLiteral("intermediate_size")].toInt(), 128);
        QCOMPARE(config[QStringLiteral("head_dim")].toInt(), 16);
        QCOMPARE(config[QStringLiteral("max_position_embeddings")].toInt(), 128);
        QCOMPARE(config[QStringLiteral("id2label")].toArray(),
                 (QJsonArray{QStringLiteral("LABEL_0"), QStringLiteral("LABEL_1")}));
        const QJsonObject tokenizer = r.json[QStringLiteral("tokenizer")].toObject();
        QCOMPARE(tokenizer[QStringLiteral("vocab_size")].toInt(), 195);
        QCOMPARE(tokenizer[QStringLiteral("lower_case")].toBool(), true);
        QCOMPARE(tokenizer[QStringLiteral("max_length")].toInt(), 128);
        QVERIFY(r.json[QStringLiteral("weights")][QStringLiteral("ignored_tensors")].toArray().contains(
            QStringLiteral("bert.embeddings.position_ids")));
        QVERIFY(r.json[QStringLiteral("weights")][QStringLiteral("file")].toString().endsWith(
            QStringLiteral("model.safetensors")));
        QVERIFY(r.err.contains("159,106"));
    }

    void jsonOutputThatCannotBeWrittenKeepsTheOldFile()
    {
        // A file size limit of 64 bytes makes writing the new JSON fail (EFBIG) as a full disk would.
        requireReference();
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("out.json"));
        const QByteArray old = "{\"previous\": true}\n";
        {
            QFile f(out);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(old);
        }
        QProcess p;
        p.setChildProcessModifier([] {
            ::signal(SIGXFSZ, SIG_IGN);
            rlimit limit{64, 64};
            ::setrlimit(RLIMIT_FSIZE, &limit);
        });
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("HEADSCOPE_LOG_DIR"));
        p.setProcessEnvironment(env);
        p.start(cliBinary(), {QStringLiteral("info"), QStringLiteral("--model"), tinyBert(),
                              QStringLiteral("--no-speed-check"), QStringLiteral("--json"), out});
        QVERIFY(p.waitForFinished(120000));
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QVERIFY2(p.exitCode() != 0, err.constData());
        QVERIFY2(err.contains(QFile::encodeName(out) + ": cannot write the file: File too large"), err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), old);
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{QStringLiteral("out.json")});
    }

    void modelLargerThanTheMemoryLimitIsRefused()
    {
        requireReference();
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HEADSCOPE_MEMORY_LIMIT_BYTES"), QStringLiteral("1000"));
        p.setProcessEnvironment(env);
        p.start(cliBinary(), {QStringLiteral("info"), QStringLiteral("--model"), tinyBert(),
                              QStringLiteral("--no-speed-check"), QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY(p.waitForFinished(120000));
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitCode(), 1);
        // Nothing was loaded: no summary, no JSON document.
        QVERIFY2(p.readAllStandardOutput().isEmpty(), err.constData());
        QVERIFY2(err.contains("model.safetensors: needs ") &&
                     err.contains(" to load as fp32, only 1 kB of memory is available"),
                 err.constData());
    }

    void maskConversion()
    {
        // The fixture's actual-pruning mask, whose paper descriptor (1-based) is in the fixture.
        QTemporaryDir tmp;
        const QString json = tmp.filePath(QStringLiteral("mask.json"));
        const QJsonObject pruned{{QStringLiteral("0"), QJsonArray{0, 1}},
                                 {QStringLiteral("1"), QJsonArray{0}},
                                 {QStringLiteral("2"), QJsonArray{1, 3}},
                                 {QStringLiteral("3"), QJsonArray{0, 1, 3}}};
        QVERIFY(writeMaskJson(json, pruned, 4, 4));

        const QString paper = tmp.filePath(QStringLiteral("mask_paper.txt"));
        CliRun r = runCli({QStringLiteral("mask"), QStringLiteral("--in"), json, QStringLiteral("--out"),
                           paper, QStringLiteral("--to"), QStringLiteral("paper")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile paperFile(paper);
        QVERIFY(paperFile.open(QIODevice::ReadOnly));
        QCOMPARE(paperFile.readAll().trimmed(), QByteArray("1:1,2 2:1 3:2,4 4:1,2,4"));

        const QString descriptor = tmp.filePath(QStringLiteral("mask.txt"));
        r = runCli({QStringLiteral("mask"), QStringLiteral("--in"), json, QStringLiteral("--out"), descriptor,
                    QStringLiteral("--to"), QStringLiteral("descriptor")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile descriptorFile(descriptor);
        QVERIFY(descriptorFile.open(QIODevice::ReadOnly));
        QCOMPARE(descriptorFile.readAll().trimmed(), QByteArray("0:0,1 1:0 2:1,3 3:0,1,3"));

        // Back from the paper's descriptor (needs the shape) to JSON: the same heads.
        const QString back = tmp.filePath(QStringLiteral("back.json"));
        r = runCli({QStringLiteral("mask"), QStringLiteral("--in"), paper, QStringLiteral("--from"),
                    QStringLiteral("paper"), QStringLiteral("--layers"), QStringLiteral("4"),
                    QStringLiteral("--heads"), QStringLiteral("4"), QStringLiteral("--out"), back,
                    QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.jsonOk);
        QCOMPARE(r.json[QStringLiteral("mask")][QStringLiteral("n_masked")].toInt(), 8);
        QCOMPARE(r.json[QStringLiteral("mask")][QStringLiteral("pruned")][QStringLiteral("encoder_self")]
                     .toObject(),
                 pruned);
        const QJsonObject written = readJsonObject(back);
        QCOMPARE(written[QStringLiteral("format")].toString(), QStringLiteral("headscope-mask"));
        QCOMPARE(written[QStringLiteral("pruned")][QStringLiteral("encoder_self")].toObject(), pruned);

        // A 0 in a paper descriptor (1-based) is an input error.
        const QString zero = tmp.filePath(QStringLiteral("zero.txt"));
        QFile zeroFile(zero);
        QVERIFY(zeroFile.open(QIODevice::WriteOnly));
        zeroFile.write("0:1\n");
        zeroFile.close();
        r = runCli({QStringLiteral("mask"), QStringLiteral("--in"), zero, QStringLiteral("--from"),
                    QStringLiteral("paper"), QStringLiteral("--layers"), QStringLiteral("4"),
                    QStringLiteral("--heads"), QStringLiteral("4"), QStringLiteral("--out"), back});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("zero.txt"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
