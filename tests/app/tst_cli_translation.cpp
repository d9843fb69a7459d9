// headscope-cli on the Marian fixture (../shared/fixtures/marian): translate, eval, ablate,
// importance and prune-curve against expected.json, computed by an independent float64
// re-implementation of HF's Marian and sacreBLEU 2.6.0; and the errors for bad input.
#include "cli_process.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace clitest;

namespace {

const char* const kTypes[] = {"encoder_self", "encoder_decoder", "decoder_self"};
// expected.json's names of the three masks (HF's generate() arguments), in kTypes' order.
const char* const kHfMaskNames[] = {"head_mask", "cross_attn_head_mask", "decoder_head_mask"};

QString marianDir()
{
    return fixturesDir() + QStringLiteral("/marian");
}

QStringList readLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
    if (!lines.isEmpty() && lines.last().isEmpty()) lines.removeLast();
    return lines;
}

bool writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(text) == text.size();
}

// A HeadScope mask file for the 2+2 x 4 fixture from expected.json's 1/0 matrices (null: none).
bool writeMarianMask(const QString& path, const QJsonObject& hfMasks)
{
    QJsonObject pruned;
    for (int t = 0; t < 3; ++t) {
        QJsonObject layers;
        const QJsonArray rows = hfMasks[QLatin1String(kHfMaskNames[t])].toArray();
        for (int l = 0; l < rows.size(); ++l) {
            QJsonArray heads;
            const QJsonArray row = rows[l].toArray();
            for (int h = 0; h < row.size(); ++h)
                if (row[h].toDouble() == 0.0) heads.append(h);
            if (!heads.isEmpty()) layers[QString::number(l)] = heads;
        }
        pruned[QLatin1String(kTypes[t])] = layers;
    }
    const QJsonObject root{{QStringLiteral("format"), QStringLiteral("headscope-mask")},
                           {QStringLiteral("version"), 1},
                           {QStringLiteral("model"), QJsonObject{{QStringLiteral("architecture"), QStringLiteral("marian")},
                                                                 {QStringLiteral("layers"), 2},
                                                                 {QStringLiteral("heads"), 4}}},
                           {QStringLiteral("pruned"), pruned}};
    return writeText(path, QJsonDocument(root).toJson());
}

int countPruned(const QJsonObject& layers)
{
    int n = 0;
    for (const auto& heads : layers)
        n += int(heads.toArray().size());
    return n;
}

} // namespace

class TestCliTranslation : public QObject
{
    Q_OBJECT

private:
    QJsonObject m_expected;
    QTemporaryDir m_tmp;

    QString src() const { return marianDir() + QStringLiteral("/src.txt"); }
    QString ref() const { return marianDir() + QStringLiteral("/ref.txt"); }
    double expectedBleu(const char* mask) const
    {
        return m_expected[QStringLiteral("greedy_dev")][QLatin1String(mask)][QStringLiteral("bleu")]
            [QStringLiteral("score")].toDouble();
    }
    QStringList withData(const char* command, const QStringList& more = {}) const
    {
        return QStringList{QLatin1String(command), QStringLiteral("--model"), marianDir(), QStringLiteral("--src"),
                           src(),  QStringLiteral("--ref"), ref()} +
               more;
    }

private slots:
    void initTestCase()
    {
        m_expected = readJsonObject(marianDir() + QStringLiteral("/expected.json"));
        QVERIFY(m_tmp.isValid());
    }

    void init()
    {
        if (m_expected.isEmpty()) QSKIP("Marian fixture absent (HEADSCOPE_FIXTURES_DIR/marian)");
    }

    void translateMatchesExpected_data()
    {
        QTest::addColumn<QString>("mask");
        for (const char* name : {"none", "enc_self_one", "cross_one", "dec_self_one", "half_all"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }

    // Hypotheses exactly as the reference decoder's, and BLEU as sacreBLEU's, for each mask.
    void translateMatchesExpected()
    {
        QFETCH(QString, mask);
        const QString out = m_tmp.filePath(mask + QStringLiteral(".hyp")),
                      json = m_tmp.filePath(mask + QStringLiteral(".json"));
        QStringList args = withData("translate", {QStringLiteral("--out"), out, QStringLiteral("--json"), json});
        if (mask != QStringLiteral("none")) {
            const QString maskPath = m_tmp.filePath(mask + QStringLiteral("_mask.json"));
            QVERIFY(writeMarianMask(maskPath, m_expected[QStringLiteral("masks")][mask].toObject()));
            args << QStringLiteral("--mask") << maskPath;
        }
        const CliRun r = runCli(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());

        const QJsonObject expected = m_expected[QStringLiteral("greedy_dev")][mask].toObject();
        const QJsonArray texts = expected[QStringLiteral("text")].toArray();
        const QStringList hyps = readLines(out);
        QCOMPARE(hyps.size(), texts.size());
        for (int i = 0; i < hyps.size(); ++i)
            QVERIFY2(hyps[i] == texts[i].toString(), qPrintable(QStringLiteral("line %1").arg(i + 1)));

        const QJsonObject doc = readJsonObject(json);
        const QJsonObject result = doc[QStringLiteral("results")][QStringLiteral("translation")].toObject();
        const QJsonObject bleu = result[QStringLiteral("bleu")].toObject(), want = expected[QStringLiteral("bleu")].toObject();
        QVERIFY(std::fabs(bleu[QStringLiteral("score")].toDouble() - want[QStringLiteral("score")].toDouble()) < 1e-6);
        QVERIFY(std::fabs(bleu[QStringLiteral("bp")].toDouble() - want[QStringLiteral("bp")].toDouble()) < 1e-6);
        QCOMPARE(bleu[QStringLiteral("sys_len")].toInt(), want[QStringLiteral("sys_len")].toInt());
        QCOMPARE(result[QStringLiteral("n_reached_max_length")].toInt(), expected[QStringLiteral("n_reached_max_length")].toInt());
        int tokens = 0;
        for (const auto& ids : expected[QStringLiteral("ids")].toArray())
            tokens += int(ids.toArray().size()) - 1; // the start token is not generated
        QCOMPARE(result[QStringLiteral("latency")][QStringLiteral("n_tokens")].toInt(), tokens);
        if (mask != QStringLiteral("none")) {
            // The unmasked run comes first; the bootstrap compares against it.
            const QJsonObject boot = result[QStringLiteral("bootstrap")].toObject();
            QVERIFY(std::fabs(boot[QStringLiteral("delta")].toDouble() -
                              (want[QStringLiteral("score")].toDouble() - expectedBleu("none"))) < 1e-6);
            QVERIFY(boot[QStringLiteral("delta_low")].toDouble() <= boot[QStringLiteral("delta")].toDouble());
            QVERIFY(boot[QStringLiteral("delta_high")].toDouble() >= boot[QStringLiteral("delta")].toDouble());
        }
    }

    // eval: the same numbers through the analysis subcommand, and the streamed partial BLEU.
    void evalStreamsPartialBleu()
    {
        const CliRun r = runCli(withData("eval", {QStringLiteral("--stream"), QStringLiteral("--limit"),
                                                  QStringLiteral("20")}));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 20);
        const QJsonObject last = QJsonDocument::fromJson(lines.last()).object();
        QCOMPARE(last[QStringLiteral("done")].toInt(), 20);
        QCOMPARE(last[QStringLiteral("total")].toInt(), 20);
        // The full-set eval reproduces the unmasked BLEU.
        const CliRun full = runCli(withData("eval", {QStringLiteral("--json"), QStringLiteral("-")}));
        QVERIFY2(full.exitCode == 0, full.err.constData());
        const double bleu = full.json[QStringLiteral("results")][QStringLiteral("translation")][QStringLiteral("bleu")]
                                [QStringLiteral("score")].toDouble();
        QVERIFY(std::fabs(bleu - expectedBleu("none")) < 1e-6);
    }

    // Every single head masked, per type: the reference decoder's BLEU; decoder-side heads
    // reuse the encoder (one encoder pass for the baseline + one per encoder self-attention head).
    void ablateMatchesSingleHeadSearch()
    {
        const CliRun r = runCli(withData("ablate", {QStringLiteral("--json"), QStringLiteral("-")}));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject ab = r.json[QStringLiteral("results")][QStringLiteral("ablation")].toObject();
        const QJsonObject want = m_expected[QStringLiteral("single_head_search_dev_bleu_float32")].toObject();
        for (int t = 0; t < 3; ++t) {
            const QJsonValue got = ab[QStringLiteral("bleu")][QLatin1String(kTypes[t])];
            QVERIFY2(maxAbsDiff(got, want[QLatin1String(kHfMaskNames[t])]) < 1e-6, kTypes[t]);
        }
        const double baseline = ab[QStringLiteral("baseline")][QStringLiteral("value")].toDouble();
        QVERIFY(std::fabs(baseline - expectedBleu("none")) < 1e-6);
        const double delta = ab[QStringLiteral("delta")][QStringLiteral("encoder_decoder")][1].toArray()[1].toDouble();
        QVERIFY(std::fabs(delta - (expectedBleu("cross_one") - expectedBleu("none"))) < 1e-6);
        QCOMPARE(ab[QStringLiteral("encoder_passes")].toInt(), 1 + 8);
        QCOMPARE(ab[QStringLiteral("decoder_passes")].toInt(), 1 + 24);
        QCOMPARE(ab[QStringLiteral("complete")].toBool(), true);
        // The paired bootstrap of a head that costs 25 BLEU points is significant.
        QVERIFY(ab[QStringLiteral("p_bootstrap")][QStringLiteral("encoder_decoder")][1].toArray()[1].toDouble() < 0.01);
    }

    // Decoder-side types only, on a seeded subset: the encoder runs once.
    void ablateDecoderSideOnSubset()
    {
        const CliRun r = runCli(withData("ablate", {QStringLiteral("--types"), QStringLiteral("encoder_decoder,decoder_self"),
                                                    QStringLiteral("--subset"), QStringLiteral("50"),
                                                    QStringLiteral("--subset-random"), QStringLiteral("--json"),
                                                    QStringLiteral("-")}));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject ab = r.json[QStringLiteral("results")][QStringLiteral("ablation")].toObject();
        QCOMPARE(ab[QStringLiteral("encoder_passes")].toInt(), 1);
        QCOMPARE(ab[QStringLiteral("decoder_passes")].toInt(), 1 + 16);
        QCOMPARE(ab[QStringLiteral("n")].toInt(), 50);
        QCOMPARE(ab[QStringLiteral("subset")].toArray().size(), 50);
        QVERIFY(ab[QStringLiteral("bleu")][QStringLiteral("encoder_self")][0].toArray()[0].isNull());
        QVERIFY(!ab[QStringLiteral("bleu")][QStringLiteral("decoder_self")][0].toArray()[0].isNull());
    }

    void importancePerType()
    {
        const CliRun r = runCli(withData("importance", {QStringLiteral("--limit"), QStringLiteral("40"),
                                                        QStringLiteral("--json"), QStringLiteral("-")}));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject imp = r.json[QStringLiteral("results")][QStringLiteral("importance")].toObject();
        QCOMPARE(imp[QStringLiteral("n_examples")].toInt(), 40);
        for (const char* type : kTypes) {
            const QJsonArray rows = imp[QStringLiteral("scores")][QLatin1String(type)].toArray();
            QCOMPARE(rows.size(), 2);
            for (const auto& row : rows) {
                double sq = 0.0;
                for (const auto& v : row.toArray())
                    sq += v.toDouble() * v.toDouble();
                QVERIFY2(std::fabs(sq - 1.0) < 1e-9, type); // each layer divided by its l2 norm
            }
        }
    }

    // Figure 4: one curve per type pruning only that type, and one over all heads.
    void pruneCurvePerType()
    {
        const CliRun r = runCli(withData("prune-curve", {QStringLiteral("--step"), QStringLiteral("25"),
                                                         QStringLiteral("--json"), QStringLiteral("-")}));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject pc = r.json[QStringLiteral("results")][QStringLiteral("prune_curves")].toObject();
        const QJsonArray curves = pc[QStringLiteral("curves")].toArray();
        QCOMPARE(curves.size(), 4);
        const QStringList scopes{QStringLiteral("encoder_self"), QStringLiteral("encoder_decoder"),
                                 QStringLiteral("decoder_self"), QStringLiteral("all")};
        for (int c = 0; c < 4; ++c) {
            const QJsonObject curve = curves[c].toObject();
            QCOMPARE(curve[QStringLiteral("scope")].toString(), scopes[c]);
            const int total = c < 3 ? 8 : 24;
            QCOMPARE(curve[QStringLiteral("total_heads")].toInt(), total);
            const QJsonArray points = curve[QStringLiteral("points")].toArray();
            QCOMPARE(points.size(), 5);
            QVERIFY(std::fabs(points[0].toObject()[QStringLiteral("bleu")].toDouble() - expectedBleu("none")) < 1e-6);
            for (const auto& pv : points) {
                const QJsonObject p = pv.toObject();
                const int nPruned = int(std::floor(p[QStringLiteral("percent")].toDouble() / 100.0 * total + 1e-9));
                QCOMPARE(p[QStringLiteral("n_pruned")].toInt(), nPruned);
                const QJsonObject pruned = p[QStringLiteral("mask")][QStringLiteral("pruned")].toObject();
                int inMask = 0;
                for (int t = 0; t < 3; ++t) {
                    const int n = countPruned(pruned[QLatin1String(kTypes[t])].toObject());
                    if (c < 3 && t != c) QCOMPARE(n, 0); // a type's curve prunes only that type
                    inMask += n;
                }
                QCOMPARE(inMask, nPruned);
            }
        }
    }

    // prune removes the heads of all three types; the reloaded folder translates exactly as the
    // reference decoder does with that mask (expected.json), and loses 4 d_model x head_dim
    // weights and 3 head_dim biases per head (d_model 64, head_dim 16).
    void pruneTranslationModel()
    {
        const QString maskPath = m_tmp.filePath(QStringLiteral("prune_half_mask.json"));
        const QJsonObject hf = m_expected[QStringLiteral("masks")][QStringLiteral("half_all")].toObject();
        QVERIFY(writeMarianMask(maskPath, hf));
        int removed = 0;
        for (int t = 0; t < 3; ++t)
            for (const auto& row : hf[QLatin1String(kHfMaskNames[t])].toArray())
                for (const auto& v : row.toArray())
                    removed += v.toDouble() == 0.0 ? 1 : 0;
        QVERIFY(removed > 0);
        const QString out = m_tmp.filePath(QStringLiteral("pruned_half"));
        const CliRun r = runCli({QStringLiteral("prune"), QStringLiteral("--model"), marianDir(), QStringLiteral("--mask"),
                                 maskPath, QStringLiteral("--out"), out, QStringLiteral("--src"), src(),
                                 QStringLiteral("--ref"), ref(), QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const qint64 before = r.json[QStringLiteral("params_before")].toInteger();
        QCOMPARE(r.json[QStringLiteral("params_after")].toInteger(), before - qint64(removed) * (4 * 64 * 16 + 3 * 16));
        const QJsonObject v = r.json[QStringLiteral("verify")].toObject();
        QCOMPARE(v[QStringLiteral("identical_hypotheses")].toInt(), 200);
        QVERIFY(v[QStringLiteral("max_abs_logit_diff")].toDouble() < 1e-4);
        QVERIFY(std::fabs(v[QStringLiteral("bleu_pruned")].toDouble() - expectedBleu("half_all")) < 1e-6);
        // The written folder is a translation model of its own.
        const CliRun t = runCli({QStringLiteral("translate"), QStringLiteral("--model"), out, QStringLiteral("--src"),
                                 src(), QStringLiteral("--ref"), ref(), QStringLiteral("--out"),
                                 m_tmp.filePath(QStringLiteral("pruned_half.hyp")), QStringLiteral("--json"),
                                 QStringLiteral("-")});
        QVERIFY2(t.exitCode == 0, t.err.constData());
        const double bleu = t.json[QStringLiteral("results")][QStringLiteral("translation")][QStringLiteral("bleu")]
                                [QStringLiteral("score")].toDouble();
        QVERIFY2(std::fabs(bleu - expectedBleu("half_all")) < 1e-6, qPrintable(QString::number(bleu)));
        // info on the pruned folder: the heads left per layer and the removed ones, per type.
        const CliRun info = runCli({QStringLiteral("info"), QStringLiteral("--model"), out,
                                    QStringLiteral("--no-speed-check"), QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(info.exitCode == 0, info.err.constData());
        QCOMPARE(info.json[QStringLiteral("model")][QStringLiteral("parameters")].toInteger(),
                 r.json[QStringLiteral("params_after")].toInteger());
        for (int t = 0; t < 3; ++t) {
            const QJsonArray rows = hf[QLatin1String(kHfMaskNames[t])].toArray();
            const QJsonArray perLayer =
                info.json[QStringLiteral("model")][QStringLiteral("heads_per_layer")][QLatin1String(kTypes[t])].toArray();
            const QJsonObject pruned =
                info.json[QStringLiteral("config")][QStringLiteral("pruned_heads")][QLatin1String(kTypes[t])].toObject();
            QCOMPARE(perLayer.size(), rows.size());
            for (int l = 0; l < rows.size(); ++l) {
                QJsonArray off;
                const QJsonArray row = rows[l].toArray();
                for (int h = 0; h < row.size(); ++h)
                    if (row[h].toDouble() == 0.0) off.append(h);
                QCOMPARE(perLayer[l].toInt(), int(row.size() - off.size()));
                QCOMPARE(pruned[QString::number(l)].toArray(), off);
            }
        }
    }

    // info describes a Marian folder: config, generation settings, weights and vocabulary as
    // the fixture's own files state them.
    void infoDescribesMarianModel()
    {
        const CliRun r = runCli({QStringLiteral("info"), QStringLiteral("--model"), marianDir(),
                                 QStringLiteral("--no-speed-check"), QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject config = readJsonObject(marianDir() + QStringLiteral("/config.json"));
        const QJsonObject generation = readJsonObject(marianDir() + QStringLiteral("/generation_config.json"));
        const QJsonObject vocab = readJsonObject(marianDir() + QStringLiteral("/vocab.json"));
        QVERIFY(!config.isEmpty() && !vocab.isEmpty());
        const QJsonObject c = r.json[QStringLiteral("config")].toObject();
        for (const char* key : {"d_model", "encoder_layers", "decoder_layers", "encoder_attention_heads",
                                "decoder_attention_heads", "encoder_ffn_dim", "decoder_ffn_dim", "vocab_size",
                                "max_position_embeddings"})
            QVERIFY2(c[QLatin1String(key)].toInt() == config[QLatin1String(key)].toInt(), key);
        QCOMPARE(c[QStringLiteral("activation_function")].toString(), config[QStringLiteral("activation_function")].toString());
        QCOMPARE(c[QStringLiteral("head_dim")].toInt(),
                 config[QStringLiteral("d_model")].toInt() / config[QStringLiteral("encoder_attention_heads")].toInt());
        // generation_config.json overrides config.json.
        const QJsonObject g = r.json[QStringLiteral("generation")].toObject();
        for (const char* key : {"max_length", "num_beams", "eos_token_id", "pad_token_id", "decoder_start_token_id"}) {
            const QJsonValue want = generation.contains(QLatin1String(key)) ? generation[QLatin1String(key)]
                                                                            : config[QLatin1String(key)];
            if (!want.isUndefined())
                QVERIFY2(g[QLatin1String(key)].toInteger() == want.toInteger(), key);
        }
        const QJsonObject tok = r.json[QStringLiteral("tokenizer")].toObject();
        QCOMPARE(tok[QStringLiteral("vocab_size")].toInt(), int(vocab.size()));
        QCOMPARE(tok[QStringLiteral("eos_id")].toInt(), vocab[QStringLiteral("</s>")].toInt());
        const QJsonObject w = r.json[QStringLiteral("weights")].toObject();
        QCOMPARE(w[QStringLiteral("bytes")].toInteger(), QFileInfo(marianDir() + QStringLiteral("/model.safetensors")).size());
        QCOMPARE(r.json[QStringLiteral("speed_check")].type(), QJsonValue::Null);
        QVERIFY(r.err.contains("decoder_self"));
    }

    // bench times the original, masked and pruned decoders on --src; the pruned row has the
    // pruned parameter count and every row generated tokens.
    void benchTranslationModel()
    {
        const QString maskPath = m_tmp.filePath(QStringLiteral("bench_cross_mask.json"));
        QVERIFY(writeMarianMask(maskPath, m_expected[QStringLiteral("masks")][QStringLiteral("cross_one")].toObject()));
        const CliRun r = runCli({QStringLiteral("bench"), QStringLiteral("--model"), marianDir(), QStringLiteral("--src"),
                                 src(), QStringLiteral("--limit"), QStringLiteral("20"), QStringLiteral("--mask"), maskPath,
                                 QStringLiteral("--batch-sizes"), QStringLiteral("1,8"), QStringLiteral("--runs"),
                                 QStringLiteral("1"), QStringLiteral("--warmup"), QStringLiteral("0"),
                                 QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject latency = r.json[QStringLiteral("results")][QStringLiteral("latency")].toObject();
        QCOMPARE(latency[QStringLiteral("n_sentences")].toInt(), 20);
        const QJsonArray rows = latency[QStringLiteral("measurements")].toArray();
        QCOMPARE(rows.size(), 6);
        const qint64 params = r.json[QStringLiteral("model")][QStringLiteral("parameters")].toInteger();
        QStringList seen;
        for (const auto& rv : rows) {
            const QJsonObject row = rv.toObject();
            const QString variant = row[QStringLiteral("variant")].toString();
            seen << variant + QLatin1Char('/') + QString::number(row[QStringLiteral("batch_size")].toInt());
            QVERIFY(row[QStringLiteral("n_tokens")].toInteger() >= 20); // at least </s> per sentence
            QVERIFY(row[QStringLiteral("tokens_per_second")].toDouble() > 0.0);
            QCOMPARE(row[QStringLiteral("parameters")].toInteger(),
                     variant == QStringLiteral("pruned") ? params - (4 * 64 * 16 + 3 * 16) : params);
            if (variant == QStringLiteral("original")) QCOMPARE(row[QStringLiteral("speedup")].toDouble(), 1.0);
        }
        seen.sort();
        QCOMPARE(seen, (QStringList{QStringLiteral("masked/1"), QStringLiteral("masked/8"), QStringLiteral("original/1"),
                                    QStringLiteral("original/8"), QStringLiteral("pruned/1"), QStringLiteral("pruned/8")}));
        // Without --src there is nothing to decode.
        const CliRun bad = runCli({QStringLiteral("bench"), QStringLiteral("--model"), marianDir()});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("--src"), bad.err.constData());
    }

    // compare: importance on the in-domain and out-of-domain sets; each side equals the
    // importance command's on that set, and the per-type Pearson r is recomputed here.
    void compareInAndOutOfDomain()
    {
        const QString srcOod = marianDir() + QStringLiteral("/src_ood.txt"), refOod = marianDir() + QStringLiteral("/ref_ood.txt");
        const CliRun r = runCli(withData("compare", {QStringLiteral("--src2"), srcOod, QStringLiteral("--ref2"), refOod,
                                                     QStringLiteral("--json"), QStringLiteral("-")}));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject cmp = r.json[QStringLiteral("results")][QStringLiteral("compare")].toObject();
        const CliRun ood = runCli({QStringLiteral("importance"), QStringLiteral("--model"), marianDir(), QStringLiteral("--src"),
                                   srcOod, QStringLiteral("--ref"), refOod, QStringLiteral("--json"), QStringLiteral("-")});
        QVERIFY2(ood.exitCode == 0, ood.err.constData());
        const QJsonObject direct = ood.json[QStringLiteral("results")][QStringLiteral("importance")][QStringLiteral("scores")].toObject();
        const QJsonObject b = cmp[QStringLiteral("b")][QStringLiteral("importance")][QStringLiteral("scores")].toObject();
        const QJsonObject a = cmp[QStringLiteral("a")][QStringLiteral("importance")][QStringLiteral("scores")].toObject();
        QVERIFY(std::fabs(cmp[QStringLiteral("a")][QStringLiteral("bleu")].toDouble() - expectedBleu("none")) < 1e-6);
        QCOMPARE(cmp[QStringLiteral("b")][QStringLiteral("n")].toInt(), int(readLines(srcOod).size()));
        for (int t = 0; t < 3; ++t) {
            const QString type = QLatin1String(kTypes[t]);
            std::vector<double> x, y;
            const QJsonArray rowsA = a[type].toArray(), rowsB = b[type].toArray(), rowsD = direct[type].toArray();
            for (int l = 0; l < rowsA.size(); ++l)
                for (int h = 0; h < rowsA[l].toArray().size(); ++h) {
                    x.push_back(rowsA[l].toArray()[h].toDouble());
                    y.push_back(rowsB[l].toArray()[h].toDouble());
                    QVERIFY(std::fabs(y.back() - rowsD[l].toArray()[h].toDouble()) < 1e-9);
                }
            QCOMPARE(int(x.size()), 8);
            double mx = 0, my = 0;
            for (size_t i = 0; i < x.size(); ++i) {
                mx += x[i] / double(x.size());
                my += y[i] / double(y.size());
            }
            double sxy = 0, sxx = 0, syy = 0;
            for (size_t i = 0; i < x.size(); ++i) {
                sxy += (x[i] - mx) * (y[i] - my);
                sxx += (x[i] - mx) * (x[i] - mx);
                syy += (y[i] - my) * (y[i] - my);
            }
            const double pearson = sxy / std::sqrt(sxx * syy);
            const QJsonObject c = cmp[QStringLiteral("correlation")][type].toObject();
            QCOMPARE(c[QStringLiteral("n")].toInt(), 8);
            QVERIFY2(std::fabs(c[QStringLiteral("pearson")].toDouble() - pearson) < 1e-9,
                     qPrintable(type + QStringLiteral(": %1 vs %2").arg(c[QStringLiteral("pearson")].toDouble()).arg(pearson)));
        }
        QCOMPARE(cmp[QStringLiteral("correlation")][QStringLiteral("all_types")][QStringLiteral("n")].toInt(), 24);
        // Two test sets or none: --src2 without --ref2 is refused.
        const CliRun bad = runCli(withData("compare", {QStringLiteral("--src2"), srcOod}));
        QCOMPARE(bad.exitCode, 2);
    }

    void badInput()
    {
        const QString shortRef = m_tmp.filePath(QStringLiteral("short_ref.txt"));
        QVERIFY(writeText(shortRef, "one line\n"));
        CliRun r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), marianDir(), QStringLiteral("--src"), src(),
                           QStringLiteral("--ref"), shortRef});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("short_ref.txt") && r.err.contains("line count"));

        const QString emptyLine = m_tmp.filePath(QStringLiteral("empty_line.txt"));
        QVERIFY(writeText(emptyLine, "The cat sleeps.\n\nThe dog runs.\n"));
        r = runCli({QStringLiteral("translate"), QStringLiteral("--model"), marianDir(), QStringLiteral("--src"),
                    emptyLine});
        QCOMPARE(r.exitCode, 3);
        QVERIFY(r.err.contains("empty_line.txt") && r.err.contains("line 2"));

        r = runCli({QStringLiteral("ablate"), QStringLiteral("--model"), marianDir(), QStringLiteral("--data"), src()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("translation model"));

        r = runCli({QStringLiteral("importance"), QStringLiteral("--model"), marianDir(), QStringLiteral("--src"), src()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--ref"));

        r = runCli({QStringLiteral("attention"), QStringLiteral("--model"), marianDir(), QStringLiteral("--data"), src()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("is a translation model") && r.err.contains("importance, ablate"));

        const QString tinyBert = referenceDir() + QStringLiteral("/tiny_bert");
        if (QFileInfo::exists(tinyBert + QStringLiteral("/config.json"))) {
            r = runCli({QStringLiteral("eval"), QStringLiteral("--model"), tinyBert, QStringLiteral("--src"), src(),
                        QStringLiteral("--ref"), ref()});
            QCOMPARE(r.exitCode, 2);
            QVERIFY(r.err.contains("classification model"));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliTranslation)
#include "tst_cli_translation.moc"
