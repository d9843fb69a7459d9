// The LibTorch encoder against the float64 plain-loop oracle (tests/support/reference_encoder):
// logits of BERT and DistilBERT with every activation, head masks (global and per example),
// padding, sentence pairs, HF pruned_heads, real tokenisation, and bf16 against fp32.
#include "analysis/encoded_dataset.h"
#include "analysis/evaluator.h"
#include "data/dataset.h"
#include "model/encoder_model.h"

#include "reference_encoder.h"
#include "test_checks.h"
#include "tiny_bert_writer.h"
#include "tiny_random.h"
#include "tiny_vocab.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

constexpr double kLogitTol = 1e-5;

// [CLS] random words [SEP] (pair: a second segment with token type 1 and its own [SEP]).
ReferenceInput randomInput(TinyRandom& rng, int length, bool pair)
{
    const int64_t vocab = int64_t(tinyVocab().size());
    ReferenceInput in;
    const int lenA = pair ? std::max(1, length / 2 - 2) : length - 2;
    const int lenB = pair ? std::max(1, length - lenA - 3) : 0;
    in.ids.push_back(2);
    for (int i = 0; i < lenA; ++i)
        in.ids.push_back(5 + int64_t(rng.below(uint64_t(vocab - 5))));
    in.ids.push_back(3);
    in.typeIds.assign(in.ids.size(), 0);
    if (pair) {
        for (int i = 0; i < lenB; ++i)
            in.ids.push_back(5 + int64_t(rng.below(uint64_t(vocab - 5))));
        in.ids.push_back(3);
        in.typeIds.resize(in.ids.size(), 1);
    }
    return in;
}

std::vector<ReferenceInput> randomInputs(uint64_t seed, const std::vector<int>& lengths, bool pair = false)
{
    TinyRandom rng(seed);
    std::vector<ReferenceInput> out;
    for (int len : lengths)
        out.push_back(randomInput(rng, len, pair));
    return out;
}

EncodedDataset toDataset(const std::vector<ReferenceInput>& inputs)
{
    EncodedDataset d;
    for (size_t i = 0; i < inputs.size(); ++i) {
        EncodedExample e;
        e.inputIds = inputs[i].ids;
        e.tokenTypeIds = inputs[i].typeIds.empty() ? std::vector<int64_t>(e.inputIds.size(), 0) : inputs[i].typeIds;
        e.label = int(i % 2);
        d.nTokens += int64_t(e.inputIds.size());
        d.maxLength = std::max(d.maxLength, int(e.inputIds.size()));
        d.examples.push_back(std::move(e));
    }
    return d;
}

HeadMaskValues toValues(const HeadMask& m)
{
    HeadMaskValues v(size_t(m.nLayers()), std::vector<double>(size_t(m.nHeads())));
    for (int l = 0; l < m.nLayers(); ++l)
        for (int h = 0; h < m.nHeads(); ++h)
            v[size_t(l)][size_t(h)] = m.isKept(l, h) ? 1.0 : 0.0;
    return v;
}

double maxAbsDiff(const std::vector<float>& got, const std::vector<double>& want)
{
    if (got.size() != want.size())
        return INFINITY;
    double worst = 0;
    for (size_t i = 0; i < got.size(); ++i)
        worst = std::max(worst, std::fabs(double(got[i]) - want[i]));
    return worst;
}

void compareLogits(const std::vector<std::vector<float>>& got, const std::vector<std::vector<double>>& want,
                   double tol = kLogitTol)
{
    QCOMPARE(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        const double d = maxAbsDiff(got[i], want[i]);
        QVERIFY2(d <= tol, qPrintable(QStringLiteral("example %1: max |engine - oracle| = %2 (tolerance %3)")
                                          .arg(i).arg(d, 0, 'g', 4).arg(tol)));
    }
}

std::vector<std::vector<double>> oracleLogits(const TinyBertModel& m, const std::vector<ReferenceInput>& inputs,
                                              const HeadMaskValues* mask = nullptr)
{
    std::vector<std::vector<double>> out;
    for (const auto& in : inputs)
        out.push_back(referenceLogits(m, in, mask));
    return out;
}

LoadOptions singleThread()
{
    LoadOptions o;
    o.nThreads = 1; // tiny matrices: threads only add overhead on a busy machine
    return o;
}

EvalResult evaluateOrEmpty(const EncoderModel& model, const EncodedDataset& data, const EvalParams& p)
{
    auto r = evaluate(model, data, p);
    if (!r)
        qWarning("%s", r.error().toString().c_str());
    return r ? r.value() : EvalResult{};
}

} // namespace

class TestEncoderOracle : public QObject
{
    Q_OBJECT

private slots:
    void logitsMatchOracle_data()
    {
        QTest::addColumn<QString>("modelType");
        QTest::addColumn<QString>("activation");
        QTest::addColumn<int>("nLayers");
        QTest::addColumn<int>("hidden");
        QTest::newRow("bert gelu") << "bert" << "gelu" << 2 << 16;
        QTest::newRow("distilbert relu") << "distilbert" << "relu" << 2 << 16;
        QTest::newRow("bert gelu_new") << "bert" << "gelu_new" << 3 << 32;
        QTest::newRow("distilbert gelu") << "distilbert" << "gelu" << 3 << 32;
    }

    // No mask, batches of mixed lengths: every example's logits match the oracle.
    void logitsMatchOracle()
    {
        QFETCH(QString, modelType);
        QFETCH(QString, activation);
        QFETCH(int, nLayers);
        QFETCH(int, hidden);
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.modelType = modelType.toStdString();
        spec.hiddenAct = activation.toStdString();
        spec.nLayers = nLayers;
        spec.hidden = hidden;
        spec.intermediate = 2 * hidden;
        spec.seed = 11;
        const TinyBertModel ref = writeTinyBert(tmp.path().toStdString(), spec);
        auto model = EncoderModel::load(tmp.path().toStdString(), singleThread());
        REQUIRE_OK(model);
        QCOMPARE((*model)->nLayers(), nLayers);
        QCOMPARE((*model)->headsPerLayer(), std::vector<int>(size_t(nLayers), 4));

        const auto inputs = randomInputs(5, {3, 17, 9, 30, 4, 12, 25, 6});
        EvalParams p;
        p.batchSize = 3;
        const EvalResult r = evaluateOrEmpty(**model, toDataset(inputs), p);
        compareLogits(r.logits, oracleLogits(ref, inputs));
        for (size_t i = 0; i < inputs.size(); ++i) {
            const auto& l = r.logits[i];
            QCOMPARE(r.predictions[i], int(std::max_element(l.begin(), l.end()) - l.begin()));
        }
    }

    // Several heads masked, a whole layer among them.
    void globalMask()
    {
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.nLayers = 3;
        spec.seed = 21;
        const TinyBertModel ref = writeTinyBert(tmp.path().toStdString(), spec);
        auto model = EncoderModel::load(tmp.path().toStdString(), singleThread());
        REQUIRE_OK(model);
        HeadMask mask = (*model)->fullMask();
        mask.setKept(0, 1, false);
        mask.setKept(0, 2, false);
        mask.setLayerKept(1, false);
        mask.setKept(2, 3, false);
        const auto inputs = randomInputs(6, {5, 22, 11, 8, 16});
        EvalParams p;
        p.batchSize = 2;
        p.mask = mask;
        const auto values = toValues(mask);
        const auto want = oracleLogits(ref, inputs, &values);
        compareLogits(evaluateOrEmpty(**model, toDataset(inputs), p).logits, want);

        // The mask must matter, or the comparison above proves nothing.
        const auto unmasked = oracleLogits(ref, inputs);
        QVERIFY(std::fabs(unmasked[0][0] - want[0][0]) > 1e-3);
    }

    // Each example its own mask, in one padded batch.
    void perExampleMasks()
    {
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.nLayers = 2;
        spec.seed = 31;
        const TinyBertModel ref = writeTinyBert(tmp.path().toStdString(), spec);
        auto model = EncoderModel::load(tmp.path().toStdString(), singleThread());
        REQUIRE_OK(model);
        const auto inputs = randomInputs(7, {9, 4, 20, 13, 7});
        std::vector<HeadMask> masks(inputs.size(), (*model)->fullMask());
        masks[1].setKept(0, 0, false);
        masks[2].setLayerKept(1, false);
        masks[3].setKept(0, 3, false);
        masks[3].setKept(1, 1, false);
        masks[4].setLayerKept(0, false);
        masks[4].setLayerKept(1, false);
        auto got = logitsWithPerExampleMasks(**model, toDataset(inputs), masks);
        REQUIRE_OK(got);
        std::vector<std::vector<double>> want;
        for (size_t i = 0; i < inputs.size(); ++i) {
            const auto values = toValues(masks[i]);
            want.push_back(referenceLogits(ref, inputs[i], &values));
        }
        compareLogits(got.value(), want);

        auto wrong = logitsWithPerExampleMasks(**model, toDataset(inputs), {masks[0]});
        QVERIFY(!wrong);
        QCOMPARE(wrong.error().code, ErrorCode::InvalidArgument);
    }

    // Very different lengths in one batch: padding never leaks, the batching order is irrelevant.
    void paddingAndSortOrder()
    {
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.seed = 41;
        const TinyBertModel ref = writeTinyBert(tmp.path().toStdString(), spec);
        auto model = EncoderModel::load(tmp.path().toStdString(), singleThread());
        REQUIRE_OK(model);
        const auto inputs = randomInputs(8, {3, 60, 5, 41, 3, 28, 12, 2, 50});
        const auto data = toDataset(inputs);
        const auto want = oracleLogits(ref, inputs);
        EvalParams p;
        p.batchSize = 4;
        p.order = BatchOrder::FileOrder;
        const EvalResult fileOrder = evaluateOrEmpty(**model, data, p);
        p.order = BatchOrder::ByLength;
        const EvalResult sorted = evaluateOrEmpty(**model, data, p);
        p.order = BatchOrder::Streaming;
        const EvalResult streamed = evaluateOrEmpty(**model, data, p);
        p.batchSize = 1;
        const EvalResult single = evaluateOrEmpty(**model, data, p);
        compareLogits(fileOrder.logits, want);
        compareLogits(sorted.logits, want);
        compareLogits(streamed.logits, want);
        compareLogits(single.logits, want);
        QCOMPARE(fileOrder.nBatches, int64_t(3));
        for (size_t i = 0; i < inputs.size(); ++i) {
            QVERIFY(maxAbsDiff(fileOrder.logits[i], std::vector<double>(sorted.logits[i].begin(), sorted.logits[i].end())) <= 1e-6);
            QVERIFY(maxAbsDiff(single.logits[i], std::vector<double>(sorted.logits[i].begin(), sorted.logits[i].end())) <= 1e-6);
        }
        QCOMPARE(fileOrder.predictions, sorted.predictions);
        QCOMPARE(fileOrder.correct, sorted.correct);
        // Padded rows of the oracle batch agree with the unpadded forward (the oracle itself is sane).
        const auto padded = referenceLogitsBatch(ref.weights, ref.spec, inputs);
        for (size_t i = 0; i < inputs.size(); ++i)
            for (size_t c = 0; c < want[i].size(); ++c)
                QVERIFY(std::fabs(padded[i][c] - want[i][c]) < 1e-12);
    }

    // Token types of sentence pairs reach the embeddings.
    void sentencePairs()
    {
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.seed = 51;
        const TinyBertModel ref = writeTinyBert(tmp.path().toStdString(), spec);
        auto model = EncoderModel::load(tmp.path().toStdString(), singleThread());
        REQUIRE_OK(model);
        const auto inputs = randomInputs(9, {12, 25, 8, 19}, /*pair=*/true);
        EvalParams p;
        p.batchSize = 4;
        compareLogits(evaluateOrEmpty(**model, toDataset(inputs), p).logits, oracleLogits(ref, inputs));
        // Same ids with every type 0 give other logits: the types were not ignored.
        auto flat = inputs;
        for (auto& in : flat)
            in.typeIds.clear();
        const auto flatWant = oracleLogits(ref, flat);
        QVERIFY(std::fabs(flatWant[0][0] - oracleLogits(ref, inputs)[0][0]) > 1e-4);
        compareLogits(evaluateOrEmpty(**model, toDataset(flat), p).logits, flatWant);
    }

    // config.json pruned_heads: heads absent from the weights, one layer without any head.
    void prunedHeadsInConfig()
    {
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.nLayers = 3;
        spec.seed = 61;
        spec.prunedHeads = {{1, 3}, {0, 1, 2, 3}, {2}};
        const TinyBertModel ref = writeTinyBert(tmp.path().toStdString(), spec);
        auto model = EncoderModel::load(tmp.path().toStdString(), singleThread());
        REQUIRE_OK(model);
        QCOMPARE((*model)->nHeads(), 4);
        QCOMPARE((*model)->headsPerLayer(), (std::vector<int>{2, 0, 3}));
        QVERIFY(!(*model)->hasHead(0, 1));
        QVERIFY((*model)->hasHead(0, 2));
        QVERIFY(!(*model)->hasHead(1, 0));
        HeadMask full = (*model)->fullMask();
        QCOMPARE(full.countKept(), 5);
        QVERIFY(full.isKept(2, 3) && !full.isKept(2, 2));

        const auto inputs = randomInputs(10, {6, 18, 10});
        EvalParams p;
        p.batchSize = 3;
        compareLogits(evaluateOrEmpty(**model, toDataset(inputs), p).logits, oracleLogits(ref, inputs));

        // Masking a present head of the pruned model.
        HeadMask mask = full;
        mask.setKept(2, 0, false);
        p.mask = mask;
        const auto values = toValues(mask);
        compareLogits(evaluateOrEmpty(**model, toDataset(inputs), p).logits, oracleLogits(ref, inputs, &values));
    }

    void realTokenizerDatasets_data()
    {
        QTest::addColumn<bool>("pairs");
        QTest::newRow("single sentences") << false;
        QTest::newRow("sentence pairs") << true;
    }

    // writeTinyDataset -> loadDataset -> encodeDataset; the oracle gets the engine's ids, which
    // must also be the reference tokenizer's.
    void realTokenizerDatasets()
    {
        QFETCH(bool, pairs);
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        TinyBertSpec spec;
        spec.seed = 71;
        const TinyBertModel ref = writeTinyBert(dir + "/model", spec);
        const auto rows = writeTinyDataset(dir + "/dev.tsv", 15, pairs, 3);
        auto model = EncoderModel::load(dir + "/model", singleThread());
        REQUIRE_OK(model);
        DatasetOptions opt;
        opt.hasHeader = false;
        opt.textColumn = "0";
        opt.textBColumn = pairs ? "1" : "";
        opt.labelColumn = pairs ? "2" : "1";
        auto ds = loadDataset(dir + "/dev.tsv", opt);
        REQUIRE_OK(ds);
        QCOMPARE(ds->examples.size(), rows.size());
        const int maxLength = 40;
        const EncodedDataset data = encodeDataset((*model)->tokenizer(), ds.value(), maxLength);
        QCOMPARE(data.size(), rows.size());

        std::vector<ReferenceInput> inputs;
        bool truncated = false;
        for (size_t i = 0; i < rows.size(); ++i) {
            const auto& ex = data.examples[i];
            QCOMPARE(ex.label, rows[i].label);
            const ReferenceInput want = referenceEncode(tinyVocab(), rows[i].textA, rows[i].textB, maxLength);
            QCOMPARE(ex.inputIds, want.ids);
            if (pairs)
                QCOMPARE(ex.tokenTypeIds, want.typeIds);
            truncated = truncated || int(ex.inputIds.size()) == maxLength;
            inputs.push_back({ex.inputIds, ex.tokenTypeIds});
        }
        QVERIFY(truncated); // the long rows were cut
        EvalParams p;
        p.batchSize = 4;
        const EvalResult r = evaluateOrEmpty(**model, data, p);
        compareLogits(r.logits, oracleLogits(ref, inputs));
        int64_t correct = 0;
        for (size_t i = 0; i < rows.size(); ++i) {
            const auto& l = r.logits[i];
            correct += int(std::max_element(l.begin(), l.end()) - l.begin()) == rows[i].label ? 1 : 0;
        }
        QCOMPARE(r.nCorrect, correct);
        QCOMPARE(r.n, int64_t(rows.size()));
    }

    // bf16 weights and activations: nearly the same predictions and logits as fp32.
    void bf16AgreesWithFp32()
    {
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.hidden = 32;
        spec.intermediate = 64;
        spec.seed = 81;
        writeTinyBert(tmp.path().toStdString(), spec);
        auto model = EncoderModel::load(tmp.path().toStdString(), singleThread());
        REQUIRE_OK(model);
        auto bf16 = (*model)->to("cpu", Precision::BFloat16);
        REQUIRE_OK(bf16);
        QCOMPARE((*bf16)->precision(), Precision::BFloat16);
        QCOMPARE((*bf16)->weightBytes(), 2 * (*model)->parameterCount());

        std::vector<int> lengths;
        TinyRandom lenRng(99);
        for (int i = 0; i < 64; ++i)
            lengths.push_back(3 + int(lenRng.below(40)));
        const auto data = toDataset(randomInputs(12, lengths));
        EvalParams p;
        p.batchSize = 16;
        const EvalResult a = evaluateOrEmpty(**model, data, p);
        const EvalResult b = evaluateOrEmpty(**bf16, data, p);
        QCOMPARE(b.logits.size(), size_t(64));
        int agree = 0;
        double worst = 0;
        for (size_t i = 0; i < 64; ++i) {
            agree += a.predictions[i] == b.predictions[i] ? 1 : 0;
            worst = std::max(worst, maxAbsDiff(b.logits[i], std::vector<double>(a.logits[i].begin(), a.logits[i].end())));
        }
        qInfo("bf16 vs fp32: %d/64 predictions agree, max |logit difference| %.4g", agree, worst);
        QVERIFY2(agree >= 58, qPrintable(QStringLiteral("only %1/64 predictions agree").arg(agree)));
        QVERIFY2(worst <= 0.1, qPrintable(QStringLiteral("max logit difference %1").arg(worst)));
        QVERIFY(worst > 0.0); // really computed in bf16
    }
};

QTEST_GUILESS_MAIN(TestEncoderOracle)
#include "tst_encoder_oracle.moc"
