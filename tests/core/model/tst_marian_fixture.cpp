// The Marian engine against ../shared/fixtures/marian/expected.json, computed by a float64
// re-implementation of HF's MarianMTModel (transformers v4): tokenisation (pieces and ids),
// teacher-forced logits (top 5 at every position, the full row at position 0) and greedy
// hypotheses (ids and texts) for the dev set with no mask and with four head masks, and for the
// out-of-domain set with no mask.
#include "model/seq2seq_inference.h"
#include "model/seq2seq_model.h"

#include "test_checks.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace headscope::core;

namespace {

const QString kDir = QStringLiteral(HEADSCOPE_FIXTURES_DIR "/marian");

QJsonObject readJson(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

std::vector<int64_t> idsOf(const QJsonValue& v)
{
    std::vector<int64_t> out;
    for (const auto& x : v.toArray())
        out.push_back(x.toInteger());
    return out;
}

std::vector<std::string> stringsOf(const QJsonValue& v)
{
    std::vector<std::string> out;
    for (const auto& x : v.toArray())
        out.push_back(x.toString().toStdString());
    return out;
}

std::vector<std::string> readLines(const QString& path)
{
    std::ifstream in(path.toStdString());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    return lines;
}

// A [layer][head] 1/0 matrix from the json (null: empty mask, every head kept).
HeadMask maskOf(const QJsonValue& v)
{
    if (!v.isArray())
        return {};
    const auto rows = v.toArray();
    HeadMask m(int(rows.size()), int(rows[0].toArray().size()));
    for (int l = 0; l < rows.size(); ++l) {
        const auto row = rows[l].toArray();
        for (int h = 0; h < row.size(); ++h)
            m.setKept(l, h, row[h].toDouble() != 0.0);
    }
    return m;
}

QString idsText(const std::vector<int64_t>& ids)
{
    QStringList parts;
    for (auto id : ids)
        parts << QString::number(id);
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestMarianFixture : public QObject
{
    Q_OBJECT

    std::shared_ptr<const Seq2SeqModel> m_model;
    QJsonObject m_expected;

    bool present() const { return QFile::exists(kDir + QStringLiteral("/expected.json")); }

    // Greedy ids and texts of every line of srcFile against expected[setName][maskName].
    void checkGreedy(const QString& srcFile, const QString& setName, const QString& maskName)
    {
        const auto lines = readLines(kDir + QLatin1Char('/') + srcFile);
        std::vector<std::vector<int64_t>> sources;
        for (const auto& line : lines)
            sources.push_back(m_model->tokenizer().encodeSource(line));
        const auto maskJson = m_expected[QStringLiteral("masks")].toObject()[maskName].toObject();
        DecodeParams p;
        p.masks.encoderSelf = maskOf(maskJson[QStringLiteral("head_mask")]);
        p.masks.encoderDecoder = maskOf(maskJson[QStringLiteral("cross_attn_head_mask")]);
        p.masks.decoderSelf = maskOf(maskJson[QStringLiteral("decoder_head_mask")]);
        const auto out = translate(*m_model, sources, p);
        REQUIRE_OK(out);
        const auto want = m_expected[setName].toObject()[maskName].toObject();
        const auto wantIds = want[QStringLiteral("ids")].toArray();
        const auto wantText = want[QStringLiteral("text")].toArray();
        QCOMPARE(size_t(wantIds.size()), lines.size());
        QCOMPARE(out->size(), lines.size());
        int wrongIds = 0, wrongTexts = 0;
        QString first;
        for (size_t i = 0; i < lines.size(); ++i) {
            const auto ids = idsOf(wantIds[int(i)]);
            if ((*out)[i].ids != ids) {
                if (wrongIds++ == 0)
                    first = QStringLiteral("sentence %1: got [%2] want [%3]").arg(i).arg(idsText((*out)[i].ids), idsText(ids));
            }
            if ((*out)[i].text != wantText[int(i)].toString().toStdString()) {
                if (wrongTexts++ == 0)
                    qWarning("sentence %zu: text '%s', want '%s'", i, (*out)[i].text.c_str(),
                             qPrintable(wantText[int(i)].toString()));
            }
        }
        QVERIFY2(wrongIds == 0, qPrintable(QStringLiteral("%1/%2: %3 hypotheses differ; %4")
                                               .arg(setName, maskName).arg(wrongIds).arg(first)));
        QCOMPARE(wrongTexts, 0);
    }

private slots:
    void initTestCase()
    {
        if (!present())
            return;
        m_expected = readJson(kDir + QStringLiteral("/expected.json"));
        auto model = Seq2SeqModel::load(kDir.toStdString());
        REQUIRE_OK(model);
        m_model = model.value();
    }

    void configAndWeights()
    {
        if (!present())
            QSKIP("../shared/fixtures/marian is absent: Marian fixture comparison skipped");
        const auto& c = m_model->config();
        QCOMPARE(c.modelType, std::string("marian"));
        QCOMPARE(c.dModel, 64);
        QCOMPARE(c.encoderLayers, 2);
        QCOMPARE(c.decoderLayers, 2);
        QCOMPARE(c.nHeads(AttentionType::EncoderDecoder), 4);
        QCOMPARE(c.activation, FfnActivation::Swish);
        QCOMPARE(c.generation.decoderStartTokenId, int64_t(459));
        QCOMPARE(c.generation.maxLength, 128);
        const auto meta = m_expected[QStringLiteral("meta")].toObject();
        QCOMPARE(m_model->parameterCount(), meta[QStringLiteral("n_params")].toInteger());
        QVERIFY(m_model->ignoredTensors().empty());
    }

    void tokenization()
    {
        if (!present())
            QSKIP("../shared/fixtures/marian is absent: Marian fixture comparison skipped");
        const auto items = m_expected[QStringLiteral("tokenization_first8")].toArray();
        QCOMPARE(items.size(), 8);
        const auto& tok = m_model->tokenizer();
        for (const auto& v : items) {
            const auto item = v.toObject();
            const auto src = item[QStringLiteral("src")].toString().toStdString();
            const auto ref = item[QStringLiteral("ref")].toString().toStdString();
            QCOMPARE(tok.sourcePieces(src), stringsOf(item[QStringLiteral("src_pieces")]));
            QCOMPARE(tok.encodeSource(src), idsOf(item[QStringLiteral("input_ids")]));
            QCOMPARE(tok.targetPieces(ref), stringsOf(item[QStringLiteral("ref_pieces")]));
            QCOMPARE(tok.encodeTarget(ref), idsOf(item[QStringLiteral("labels")]));
            // The reference detokenises back to itself through target.spm, unless a piece is
            // <unk> (skipped as a special token, as HF's decode does).
            const auto labels = idsOf(item[QStringLiteral("labels")]);
            if (std::find(labels.begin(), labels.end(), tok.unkId()) == labels.end())
                QCOMPARE(QString::fromStdString(tok.decodeTarget(labels)), QString::fromStdString(ref));
        }
    }

    void teacherForcedLogits_()
    {
        if (!present())
            QSKIP("../shared/fixtures/marian is absent: Marian fixture comparison skipped");
        const auto tokItems = m_expected[QStringLiteral("tokenization_first8")].toArray();
        const auto items = m_expected[QStringLiteral("teacher_forced_first8")].toObject()[QStringLiteral("items")].toArray();
        std::vector<TranslationPair> pairs;
        for (const auto& v : tokItems)
            pairs.push_back({idsOf(v.toObject()[QStringLiteral("input_ids")]), idsOf(v.toObject()[QStringLiteral("labels")])});
        TeacherForcedParams p;
        p.batchSize = 3; // several batches, with padding on both sides
        const auto logits = teacherForcedLogits(*m_model, pairs, p);
        REQUIRE_OK(logits);
        double worstTop = 0, worstRow = 0;
        for (int i = 0; i < items.size(); ++i) {
            const auto item = items[i].toObject();
            const auto decoderInput = idsOf(item[QStringLiteral("decoder_input_ids")]);
            QCOMPARE(decoderInput.size(), pairs[size_t(i)].targetIds.size());
            QCOMPARE(decoderInput[0], m_model->config().generation.decoderStartTokenId);
            const auto& got = (*logits)[size_t(i)];
            QCOMPARE(got.size(), decoderInput.size());
            const auto topIds = item[QStringLiteral("top5_ids")].toArray();
            const auto topValues = item[QStringLiteral("top5_values")].toArray();
            for (int t = 0; t < topIds.size(); ++t) {
                const auto row = got[size_t(t)];
                std::vector<int64_t> order(row.size());
                for (size_t j = 0; j < order.size(); ++j)
                    order[j] = int64_t(j);
                std::partial_sort(order.begin(), order.begin() + 5, order.end(),
                                  [&](int64_t a, int64_t b) { return row[size_t(a)] > row[size_t(b)]; });
                const auto wantIds = idsOf(topIds[t]);
                const auto wantValues = topValues[t].toArray();
                for (int r = 0; r < 5; ++r) {
                    QCOMPARE(order[size_t(r)], wantIds[size_t(r)]);
                    worstTop = std::max(worstTop, std::fabs(double(row[size_t(wantIds[size_t(r)])]) - wantValues[r].toDouble()));
                }
            }
            const auto row0 = item[QStringLiteral("logits_pos0")].toArray();
            QCOMPARE(size_t(row0.size()), got[0].size());
            for (int c = 0; c < row0.size(); ++c)
                worstRow = std::max(worstRow, std::fabs(double(got[0][size_t(c)]) - row0[c].toDouble()));
        }
        qInfo("max |logit - reference|: top-5 %.3g, position-0 rows %.3g", worstTop, worstRow);
        QVERIFY2(worstTop < 1e-5, qPrintable(QString::number(worstTop)));
        QVERIFY2(worstRow < 1e-5, qPrintable(QString::number(worstRow)));
    }

    void greedyDev_data()
    {
        QTest::addColumn<QString>("mask");
        for (const char* name : {"none", "enc_self_one", "cross_one", "dec_self_one", "half_all"})
            QTest::newRow(name) << QString::fromLatin1(name);
    }
    void greedyDev()
    {
        if (!present())
            QSKIP("../shared/fixtures/marian is absent: Marian fixture comparison skipped");
        QFETCH(QString, mask);
        checkGreedy(QStringLiteral("src.txt"), QStringLiteral("greedy_dev"), mask);
    }

    void greedyOutOfDomain()
    {
        if (!present())
            QSKIP("../shared/fixtures/marian is absent: Marian fixture comparison skipped");
        checkGreedy(QStringLiteral("src_ood.txt"), QStringLiteral("greedy_ood"), QStringLiteral("none"));
    }
};

QTEST_GUILESS_MAIN(TestMarianFixture)
#include "tst_marian_fixture.moc"
