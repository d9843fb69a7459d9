// Attention entropy and the single-head attention view against the float64 reference encoder's
// attention probabilities and logits (with padding, masks and HF-pruned heads).
#include "analysis/attention_stats.h"
#include "analysis/encoded_dataset.h"
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

std::vector<ReferenceInput> makeInputs()
{
    TinyRandom rng(8);
    const int64_t vocab = int64_t(tinyVocab().size());
    std::vector<ReferenceInput> out;
    for (int len : {5, 31, 3, 14, 22, 9, 2}) {
        ReferenceInput in;
        in.ids.push_back(2);
        for (int t = 0; t < len - 2; ++t)
            in.ids.push_back(5 + int64_t(rng.below(uint64_t(vocab - 5))));
        in.ids.push_back(3);
        in.typeIds.assign(in.ids.size(), int64_t(len % 2));
        out.push_back(in);
    }
    return out;
}

EncodedDataset toDataset(const std::vector<ReferenceInput>& inputs)
{
    EncodedDataset d;
    for (const auto& in : inputs) {
        d.examples.push_back({in.ids, in.typeIds, 0});
        d.nTokens += int64_t(in.ids.size());
    }
    return d;
}

double rowEntropy(const std::vector<double>& row)
{
    double e = 0;
    for (double p : row)
        if (p > 0)
            e -= p * std::log(p);
    return e;
}

// Mean over every non-padding query row of every example (NaN for heads absent in spec).
Matrix oracleEntropy(const TinyBertModel& m, const std::vector<ReferenceInput>& inputs, const HeadMaskValues* mask)
{
    Matrix sums(size_t(m.spec.nLayers), std::vector<double>(size_t(m.spec.nHeads), 0.0));
    double rows = 0;
    for (const auto& in : inputs) {
        const AttentionProbs probs = referenceAttentionProbs(m.weights, m.spec, in, mask);
        for (int l = 0; l < m.spec.nLayers; ++l)
            for (int h = 0; h < m.spec.nHeads; ++h)
                for (const auto& row : probs[size_t(l)][size_t(h)])
                    sums[size_t(l)][size_t(h)] += rowEntropy(row);
        rows += double(in.ids.size());
    }
    for (int l = 0; l < m.spec.nLayers; ++l)
        for (int h = 0; h < m.spec.nHeads; ++h)
            sums[size_t(l)][size_t(h)] = m.spec.isPruned(l, h) ? std::nan("") : sums[size_t(l)][size_t(h)] / rows;
    return sums;
}

void compareEntropy(const Matrix& got, const Matrix& want)
{
    QCOMPARE(got.size(), want.size());
    for (size_t l = 0; l < got.size(); ++l)
        for (size_t h = 0; h < got[l].size(); ++h) {
            if (std::isnan(want[l][h])) {
                QVERIFY(std::isnan(got[l][h]));
                continue;
            }
            QVERIFY2(std::fabs(got[l][h] - want[l][h]) <= 1e-6,
                     qPrintable(QStringLiteral("[%1][%2]: engine %3, oracle %4")
                                    .arg(l).arg(h).arg(got[l][h], 0, 'g', 10).arg(want[l][h], 0, 'g', 10)));
        }
}

} // namespace

class TestAttentionStats : public QObject
{
    Q_OBJECT

private slots:
    void entropyMatchesOracle()
    {
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.seed = 14;
        const TinyBertModel ref = writeTinyBert(tmp.path().toStdString(), spec);
        LoadOptions opt;
        opt.nThreads = 1;
        auto model = EncoderModel::load(tmp.path().toStdString(), opt);
        REQUIRE_OK(model);
        const auto inputs = makeInputs();
        const auto data = toDataset(inputs);
        EntropyParams p;
        p.batchSize = 3; // padded batches
        auto got = attentionEntropy(**model, data, p);
        REQUIRE_OK(got);
        const Matrix want = oracleEntropy(ref, inputs, nullptr);
        compareEntropy(got.value(), want);
        // Not uniform attention: below the entropy of a uniform row over the same keys.
        QVERIFY(want[0][0] > 0.1);

        // A mask in layer 0 changes what layer 1 attends to.
        HeadMask mask = (*model)->fullMask();
        mask.setKept(0, 0, false);
        mask.setKept(0, 3, false);
        p.mask = mask;
        p.batchSize = 32;
        auto masked = attentionEntropy(**model, data, p);
        REQUIRE_OK(masked);
        HeadMaskValues values = allOnesHeadMask(ref.spec);
        values[0][0] = values[0][3] = 0.0;
        const Matrix wantMasked = oracleEntropy(ref, inputs, &values);
        compareEntropy(masked.value(), wantMasked);
        QVERIFY(std::fabs(wantMasked[1][0] - want[1][0]) > 1e-4);
    }

    void entropyOfPrunedModel()
    {
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.nLayers = 3;
        spec.seed = 15;
        spec.prunedHeads = {{2}, {0, 1, 2, 3}, {}};
        const TinyBertModel ref = writeTinyBert(tmp.path().toStdString(), spec);
        auto model = EncoderModel::load(tmp.path().toStdString());
        REQUIRE_OK(model);
        const auto inputs = makeInputs();
        EntropyParams p;
        p.batchSize = 4;
        auto got = attentionEntropy(**model, toDataset(inputs), p);
        REQUIRE_OK(got);
        compareEntropy(got.value(), oracleEntropy(ref, inputs, nullptr));
        QVERIFY(std::isnan(got.value()[1][3]));
    }

    // One head's matrix, the logits with the mask and with that head masked as well.
    void attentionView()
    {
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.seed = 16;
        spec.weightScale = 0.5f;
        const TinyBertModel ref = writeTinyBert(tmp.path().toStdString(), spec);
        auto model = EncoderModel::load(tmp.path().toStdString());
        REQUIRE_OK(model);
        const auto inputs = makeInputs();
        const auto data = toDataset(inputs);
        HeadMask mask = (*model)->fullMask();
        mask.setKept(0, 1, false);
        const size_t example = 3; // 14 tokens
        auto view = attentionForExample(**model, data, example, 1, 2, mask);
        REQUIRE_OK(view);

        HeadMaskValues values = allOnesHeadMask(ref.spec);
        values[0][1] = 0.0;
        const AttentionProbs probs = referenceAttentionProbs(ref.weights, ref.spec, inputs[example], &values);
        const auto& rows = probs[1][2];
        QCOMPARE(view->weights.size(), rows.size());
        double meanEntropy = 0;
        for (size_t q = 0; q < rows.size(); ++q) {
            QCOMPARE(view->weights[q].size(), rows[q].size());
            for (size_t k = 0; k < rows[q].size(); ++k)
                QVERIFY(std::fabs(double(view->weights[q][k]) - rows[q][k]) <= 1e-6);
            meanEntropy += rowEntropy(rows[q]) / double(rows.size());
        }
        QVERIFY(std::fabs(view->entropy - meanEntropy) <= 1e-5);

        const auto logits = referenceLogits(ref, inputs[example], &values);
        values[1][2] = 0.0;
        const auto without = referenceLogits(ref, inputs[example], &values);
        QCOMPARE(view->logits.size(), logits.size());
        QCOMPARE(view->logitsHeadMasked.size(), without.size());
        for (size_t c = 0; c < logits.size(); ++c) {
            QVERIFY(std::fabs(double(view->logits[c]) - logits[c]) <= 1e-5);
            QVERIFY(std::fabs(double(view->logitsHeadMasked[c]) - without[c]) <= 1e-5);
        }
        QVERIFY(std::fabs(logits[0] - without[0]) > 1e-4);
        QCOMPARE(view->prediction, int(std::max_element(logits.begin(), logits.end()) - logits.begin()));
        QCOMPARE(view->predictionHeadMasked, int(std::max_element(without.begin(), without.end()) - without.begin()));
        QCOMPARE(view->tokens.size(), inputs[example].ids.size());
        for (size_t t = 0; t < view->tokens.size(); ++t)
            QCOMPARE(view->tokens[t], tinyVocab()[size_t(inputs[example].ids[t])]);

        auto outOfRange = attentionForExample(**model, data, data.size(), 0, 0);
        QVERIFY(!outOfRange);
        QCOMPARE(outOfRange.error().code, ErrorCode::InvalidArgument);
        auto pruned = (*model)->pruned(mask);
        REQUIRE_OK(pruned);
        auto absent = attentionForExample(**pruned, data, 0, 0, 1);
        QVERIFY(!absent);
        QCOMPARE(absent.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestAttentionStats)
#include "tst_attention_stats.moc"
