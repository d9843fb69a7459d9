// Every result type written by core/report reads back to the same value: fromJson(toJson(x)) == x
// on the fields the schema keeps (per-example vectors are documented as not written). The values
// are hand-made, with the awkward cases a real run produces: NaN for absent heads, layers not
// done yet, masks with whole layers removed, an empty curve.
#include "report/result_json.h"
#include "report/translation_json.h"

#include <QtTest>
#include <cmath>
#include <limits>

using namespace headscope::core;
namespace report = headscope::core::report;

namespace {

const double kNan = std::numeric_limits<double>::quiet_NaN();

bool sameNumber(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

bool sameMatrix(const Matrix& a, const Matrix& b)
{
    if (a.size() != b.size())
        return false;
    for (size_t l = 0; l < a.size(); ++l) {
        if (a[l].size() != b[l].size())
            return false;
        for (size_t h = 0; h < a[l].size(); ++h)
            if (!sameNumber(a[l][h], b[l][h]))
                return false;
    }
    return true;
}

// Through the text form, as a file would: formatJson then parse.
report::Json throughText(const report::Json& j)
{
    return report::Json::parse(report::formatJson(j));
}

template <class T>
T valueOf(Result<T> r)
{
    if (!r)
        qFatal("%s", r.error().toString().c_str());
    return std::move(r).value();
}

HeadMask maskOf(int layers, int heads, std::initializer_list<std::pair<int, int>> masked)
{
    HeadMask m(layers, heads);
    for (auto [l, h] : masked)
        m.setKept(l, h, false);
    return m;
}

PruneCurvePoint point(double percent, int nPruned, int64_t nCorrect, int64_t n, HeadMask mask)
{
    PruneCurvePoint p;
    p.percent = percent;
    p.nPruned = nPruned;
    p.n = n;
    p.nCorrect = nCorrect;
    p.accuracy = double(nCorrect) / double(n);
    p.accuracyInterval = wilsonInterval(nCorrect, n);
    p.nParameters = 1000 - 10 * nPruned;
    p.mask = std::move(mask);
    return p;
}

bool sameMatrices(const HeadMatrices& a, const HeadMatrices& b)
{
    for (AttentionType t : kSeq2SeqAttentionTypes)
        if (!sameMatrix(a.of(t), b.of(t)))
            return false;
    return true;
}

// Masks of a 2+2 x 3 translation model with some heads of each type masked.
Seq2SeqMasks translationMasks(bool someMasked)
{
    Seq2SeqMasks m;
    m.encoderSelf = someMasked ? maskOf(2, 3, {{0, 1}}) : HeadMask(2, 3);
    m.encoderDecoder = someMasked ? maskOf(2, 3, {{1, 0}, {1, 2}}) : HeadMask(2, 3);
    m.decoderSelf = HeadMask(2, 3);
    return m;
}

} // namespace

class TestReportRoundTrip : public QObject
{
    Q_OBJECT

private slots:
    void evaluation()
    {
        EvalResult r;
        r.n = 7;
        r.nCorrect = 5;
        r.accuracy = 5.0 / 7.0;
        r.accuracyInterval = wilsonInterval(5, 7);
        r.meanLoss = 0.4375;
        r.nBatches = 2;
        r.totalSeconds = 0.25;
        r.meanBatchMs = 125.0;
        r.msPerExample = 250.0 / 7.0;
        r.examplesPerSecond = 28.0;
        r.predictions = {0, 1, 1, 2, 0, 1, 0, -1, -1};
        r.coverage = EvalResult::Coverage::Sample;
        r.last.nDone = 7;
        r.last.nTotal = 7;
        r.last.nLabelled = 7;
        r.last.nPopulation = 9;
        r.last.nCorrect = 5;
        r.last.paired = true;
        r.last.nBaselineOnly = 2;
        r.last.nCurrentOnly = 1;
        const report::Json j = throughText(report::toJson(r, 4));
        QCOMPARE(j.at("batch_size").get<int>(), 4);
        const EvalResult back = valueOf(report::evaluationFromJson(j));
        QCOMPARE(back.n, r.n);
        QCOMPARE(back.nCorrect, r.nCorrect);
        QCOMPARE(back.accuracy, r.accuracy);
        QCOMPARE(back.accuracyInterval.low, r.accuracyInterval.low);
        QCOMPARE(back.accuracyInterval.high, r.accuracyInterval.high);
        QCOMPARE(back.meanLoss, r.meanLoss);
        QCOMPARE(back.nBatches, r.nBatches);
        QCOMPARE(back.totalSeconds, r.totalSeconds);
        QCOMPARE(back.meanBatchMs, r.meanBatchMs);
        QCOMPARE(back.msPerExample, r.msPerExample);
        QCOMPARE(back.examplesPerSecond, r.examplesPerSecond);
        QCOMPARE(back.predictions, r.predictions);
        QCOMPARE(back.coverage, r.coverage);
        QCOMPARE(back.last.nDone, r.last.nDone);
        QCOMPARE(back.last.nPopulation, r.last.nPopulation);
        QCOMPARE(back.last.nCorrect, r.last.nCorrect);
        QCOMPARE(back.last.paired, true);
        QCOMPARE(back.last.nBaselineOnly, r.last.nBaselineOnly);
        QCOMPARE(back.last.nCurrentOnly, r.last.nCurrentOnly);
        // The written estimate is the one recomputed from the counts.
        const auto delta = r.last.deltaEstimate();
        QCOMPARE(j.at("stream").at("delta").at("low").get<double>(), delta.interval.low);
        QCOMPARE(j.at("stream").at("delta").at("exact").get<bool>(), false);
        // An unpaired stream has a null delta and reads back unpaired.
        EvalPartial unpaired = r.last;
        unpaired.paired = false;
        QVERIFY(report::toJson(unpaired).at("delta").is_null());
        QVERIFY(!valueOf(report::evalPartialFromJson(report::toJson(unpaired))).paired);
        // A coverage name that does not exist names the key.
        report::Json bad = j;
        bad["coverage"] = "most";
        const auto failed = report::evaluationFromJson(bad);
        QVERIFY(!failed);
        QVERIFY(QString::fromStdString(failed.error().toString()).contains(QStringLiteral("most")));
    }

    void importance()
    {
        ImportanceResult r;
        r.params.method = ImportanceMethod::PaperCode;
        r.params.normalization = ImportanceNormalization::Global;
        r.params.batchSize = 16;
        r.raw = {{0.5, 0.25, kNan}, {1e-300, 3.0, 0.0}};
        r.normalized = {{0.2, 0.1, kNan}, {0.0, 1.0, 0.0}};
        r.nExamples = 50;
        r.nTokens = 580;
        r.seconds = 1.5;
        const ImportanceResult back = valueOf(report::importanceFromJson(throughText(report::toJson(r))));
        QVERIFY(back.params.method == r.params.method);
        QVERIFY(back.params.normalization == r.params.normalization);
        QCOMPARE(back.params.batchSize, r.params.batchSize);
        QVERIFY(sameMatrix(back.raw, r.raw));
        QVERIFY(sameMatrix(back.normalized, r.normalized));
        QCOMPARE(back.nExamples, r.nExamples);
        QCOMPARE(back.nTokens, r.nTokens);
        QCOMPARE(back.seconds, r.seconds);
        QCOMPARE(report::resultKey(r), "importance");
    }

    void ablationPartialAndKeepOne()
    {
        AblationResult r;
        r.params.mode = AblationMode::KeepOne;
        r.params.batchSize = 8;
        r.params.fastPath = false;
        r.nLayers = 2;
        r.layersDone = 1; // layer 1 still running: NaN there
        r.n = 10;
        r.baselineAccuracy = 0.6;
        r.baselineCorrect = {1, 1, 1, 1, 1, 1, 0, 0, 0, 0};
        r.accuracy = {{0.5, 0.7}, {kNan, kNan}};
        r.delta = {{-0.1, 0.1}, {kNan, kNan}};
        r.pTTest = {{0.005, 0.5}, {kNan, kNan}};
        r.pMcNemar = {{0.0625, 1.0}, {kNan, kNan}};
        r.seconds = 0.75;
        const report::Json j = throughText(report::toJson(r, 0.01));
        QCOMPARE(report::resultKey(r), "keep_one");
        // Significance is p < alpha on the t-test, never for a missing head.
        const report::Json& sig = report::ofType(j.at("significant"));
        QCOMPARE(sig.at(0).at(0).get<bool>(), true);
        QCOMPARE(sig.at(0).at(1).get<bool>(), false);
        QCOMPARE(sig.at(1).at(0).get<bool>(), false);
        QCOMPARE(j.at("baseline").at("n_correct").get<int>(), 6);
        QCOMPARE(j.at("complete").get<bool>(), false);

        const AblationResult back = valueOf(report::ablationFromJson(j));
        QVERIFY(back.params.mode == r.params.mode);
        QCOMPARE(back.params.batchSize, r.params.batchSize);
        QCOMPARE(back.params.fastPath, r.params.fastPath);
        QCOMPARE(back.layersDone, r.layersDone);
        QCOMPARE(back.nLayers, r.nLayers);
        QVERIFY(!back.complete());
        QCOMPARE(back.n, r.n);
        QCOMPARE(back.baselineAccuracy, r.baselineAccuracy);
        QVERIFY(sameMatrix(back.accuracy, r.accuracy));
        QVERIFY(sameMatrix(back.delta, r.delta));
        QVERIFY(sameMatrix(back.pTTest, r.pTTest));
        QVERIFY(sameMatrix(back.pMcNemar, r.pMcNemar));
        QCOMPARE(back.seconds, r.seconds);
    }

    void entropyAndAttention()
    {
        EntropyResult e;
        e.params.batchSize = 3;
        e.entropy = {{1.25, kNan}, {0.5, 2.0}};
        const EntropyResult eb = valueOf(report::entropyFromJson(throughText(report::toJson(e))));
        QCOMPARE(eb.params.batchSize, 3);
        QVERIFY(sameMatrix(eb.entropy, e.entropy));

        AttentionView v;
        v.example = 4;
        v.layer = 1;
        v.head = 2;
        v.headMaskedAlready = true;
        v.tokens = {"[CLS]", "caf\xc3\xa9", "[SEP]"};
        v.weights = {{0.5f, 0.25f, 0.25f}, {0.125f, 0.75f, 0.125f}, {1.0f, 0.0f, 0.0f}};
        v.entropy = 0.875;
        v.logits = {0.5f, -1.25f};
        v.logitsHeadMasked = {-0.5f, 0.75f};
        v.prediction = 0;
        v.predictionHeadMasked = 1;
        const AttentionView vb = valueOf(report::attentionFromJson(throughText(report::toJson(v))));
        QCOMPARE(vb.example, v.example);
        QCOMPARE(vb.layer, v.layer);
        QCOMPARE(vb.head, v.head);
        QCOMPARE(vb.headMaskedAlready, v.headMaskedAlready);
        QCOMPARE(vb.tokens, v.tokens);
        QCOMPARE(vb.weights, v.weights);
        QCOMPARE(vb.entropy, v.entropy);
        QCOMPARE(vb.logits, v.logits);
        QCOMPARE(vb.logitsHeadMasked, v.logitsHeadMasked);
        QCOMPARE(vb.prediction, v.prediction);
        QCOMPARE(vb.predictionHeadMasked, v.predictionHeadMasked);
    }

    void pruneCurves()
    {
        PruneCurveParams p;
        p.stepPercent = 50.0;
        p.rescore = true;
        p.minHeadsPerLayer = 1;
        p.seed = 7;
        p.batchSize = 4;
        p.importance.method = ImportanceMethod::PaperCode;
        p.importance.normalization = ImportanceNormalization::None;
        PruneCurveSet s;
        s.totalHeads = 4;
        s.seconds = 2.5;
        PruneCurveResult a;
        a.params = p;
        a.params.order = a.order = PruneOrder::Importance;
        a.complete = true;
        a.seconds = 1.0;
        a.points = {point(0, 0, 8, 10, maskOf(2, 2, {})), point(50, 2, 6, 10, maskOf(2, 2, {{0, 1}, {1, 0}}))};
        PruneCurveResult b = a;
        b.params.order = b.order = PruneOrder::Random;
        b.complete = false;
        b.points.resize(1);
        PruneCurveResult empty = a;
        empty.params.order = empty.order = PruneOrder::Ablation;
        empty.complete = false;
        empty.points.clear();
        s.curves = {a, b, empty};

        const report::Json j = throughText(report::toJson(s));
        QCOMPARE(j.at("baseline").at("value").get<double>(), 0.8);
        QCOMPARE(j.at("curves").at(0).at("points").at(1).at("descriptor").get<std::string>(), std::string("0:1 1:0"));
        const PruneCurveSet back = valueOf(report::pruneCurvesFromJson(j, 2, 2));
        QCOMPARE(back.totalHeads, s.totalHeads);
        QCOMPARE(back.seconds, s.seconds);
        QCOMPARE(back.curves.size(), s.curves.size());
        QCOMPARE(back.complete(), s.complete());
        for (size_t c = 0; c < s.curves.size(); ++c) {
            const auto& x = s.curves[c];
            const auto& y = back.curves[c];
            QVERIFY(y.order == x.order);
            QVERIFY(y.params.order == x.params.order);
            QCOMPARE(y.params.stepPercent, x.params.stepPercent);
            QCOMPARE(y.params.rescore, x.params.rescore);
            QCOMPARE(y.params.minHeadsPerLayer, x.params.minHeadsPerLayer);
            QCOMPARE(y.params.seed, x.params.seed);
            QCOMPARE(y.params.batchSize, x.params.batchSize);
            QVERIFY(y.params.importance.method == x.params.importance.method);
            QVERIFY(y.params.importance.normalization == x.params.importance.normalization);
            QCOMPARE(y.complete, x.complete);
            QCOMPARE(y.seconds, x.seconds);
            QCOMPARE(y.points.size(), x.points.size());
            for (size_t i = 0; i < x.points.size(); ++i) {
                QCOMPARE(y.points[i].percent, x.points[i].percent);
                QCOMPARE(y.points[i].nPruned, x.points[i].nPruned);
                QCOMPARE(y.points[i].n, x.points[i].n);
                QCOMPARE(y.points[i].nCorrect, x.points[i].nCorrect);
                QCOMPARE(y.points[i].accuracy, x.points[i].accuracy);
                QCOMPARE(y.points[i].accuracyInterval.low, x.points[i].accuracyInterval.low);
                QCOMPARE(y.points[i].nParameters, x.points[i].nParameters);
                QVERIFY(y.points[i].mask == x.points[i].mask);
            }
        }
    }

    void latency()
    {
        LatencyResult r;
        r.params.warmupRuns = 1;
        r.params.timedRuns = 3;
        r.params.seed = 9;
        r.params.batchSizes = {1, 4};
        r.params.seqLengths = {16};
        r.params.mask = maskOf(2, 2, {{1, 1}});
        r.device = "cpu";
        r.nThreads = 2;
        r.idealSpeedup = 1.25;
        r.flopsOriginal = 5e6;
        r.flopsPruned = 4e6;
        for (int b : {1, 4})
            for (const char* v : {"original", "pruned"}) {
                LatencyMeasurement m;
                m.variant = v;
                m.batchSize = b;
                m.seqLength = 16;
                m.medianMs = (std::string(v) == "original" ? 2.0 : 1.6) * b;
                m.q1Ms = m.medianMs * 0.9;
                m.q3Ms = m.medianMs * 1.1;
                m.examplesPerSecond = 1000.0 * b / m.medianMs;
                m.nParameters = std::string(v) == "original" ? 1000 : 900;
                r.measurements.push_back(m);
            }
        const report::Json j = throughText(report::toJson(r));
        // Speed-up per row: original / variant median at the same shape (2.0 / 1.6).
        QCOMPARE(j.at("measurements").at(1).at("speedup").get<double>(), 1.25);
        QCOMPARE(j.at("measurements").at(0).at("speedup").get<double>(), 1.0);
        const LatencyResult back = valueOf(report::latencyFromJson(j, 2, 2));
        QCOMPARE(back.params.warmupRuns, r.params.warmupRuns);
        QCOMPARE(back.params.timedRuns, r.params.timedRuns);
        QCOMPARE(back.params.seed, r.params.seed);
        QCOMPARE(back.params.batchSizes, r.params.batchSizes);
        QCOMPARE(back.params.seqLengths, r.params.seqLengths);
        QVERIFY(back.params.mask == r.params.mask);
        QCOMPARE(back.device, r.device);
        QCOMPARE(back.nThreads, r.nThreads);
        QCOMPARE(back.idealSpeedup, r.idealSpeedup);
        QCOMPARE(back.flopsOriginal, r.flopsOriginal);
        QCOMPARE(back.flopsPruned, r.flopsPruned);
        QCOMPARE(back.measurements.size(), r.measurements.size());
        for (size_t i = 0; i < r.measurements.size(); ++i) {
            const auto& x = r.measurements[i];
            const auto& y = back.measurements[i];
            QCOMPARE(y.variant, x.variant);
            QCOMPARE(y.batchSize, x.batchSize);
            QCOMPARE(y.seqLength, x.seqLength);
            QCOMPARE(y.medianMs, x.medianMs);
            QCOMPARE(y.q1Ms, x.q1Ms);
            QCOMPARE(y.q3Ms, x.q3Ms);
            QCOMPARE(y.examplesPerSecond, x.examplesPerSecond);
            QCOMPARE(y.nParameters, x.nParameters);
        }
    }

    void comparison()
    {
        CompareResult r;
        r.params.what = CompareWhat::Both;
        r.params.importance.method = ImportanceMethod::MaskGradient;
        r.params.importance.normalization = ImportanceNormalization::Layer;
        r.params.ablation.batchSize = r.params.importance.batchSize = 8;
        r.dataA.path = "/data/matched.tsv";
        r.dataA.format = DatasetFormat::Tsv;
        r.dataA.n = r.dataA.nLabelled = 10;
        r.dataA.textColumn = "sentence";
        r.dataA.labelColumn = "label";
        r.dataB = r.dataA;
        r.dataB.path = "/data/mismatched.jsonl";
        r.dataB.format = DatasetFormat::Jsonl;
        r.dataB.pairs = true;
        r.dataB.textBColumn = "hypothesis";
        r.dataB.skippedLines = 1;
        r.dataB.warnings = {{3, "expected 3 fields, found 2"}};
        AblationResult ab;
        ab.nLayers = ab.layersDone = 1;
        ab.n = 10;
        ab.baselineAccuracy = 0.5;
        ab.accuracy = {{0.4, 0.5}};
        ab.delta = {{-0.1, 0.0}};
        ab.pTTest = ab.pMcNemar = {{0.3, 1.0}};
        ImportanceResult im;
        im.raw = {{0.1, 0.2}};
        im.normalized = {{0.4472135954999579, 0.8944271909999159}};
        r.a.ablation = r.b.ablation = ab;
        r.a.importance = r.b.importance = im;
        r.ablationDelta = Correlation{kNan, kNan, 2}; // one side constant: no correlation
        r.importance = Correlation{1.0, 1.0, 2};
        r.seconds = 3.0;
        const CompareResult back = valueOf(report::compareFromJson(throughText(report::toJson(r))));
        QVERIFY(back.params.what == r.params.what);
        QCOMPARE(back.params.ablation.batchSize, 8);
        QCOMPARE(back.dataA.path, r.dataA.path);
        QCOMPARE(back.dataB.path, r.dataB.path);
        QVERIFY(back.dataB.format == DatasetFormat::Jsonl);
        QCOMPARE(back.dataB.pairs, true);
        QCOMPARE(back.dataB.textBColumn, r.dataB.textBColumn);
        QCOMPARE(back.dataB.skippedLines, r.dataB.skippedLines);
        QCOMPARE(back.dataB.warnings.size(), size_t(1));
        QCOMPARE(back.dataB.warnings[0].message, r.dataB.warnings[0].message);
        QVERIFY(back.a.ablation && back.b.ablation && back.a.importance && back.b.importance);
        QVERIFY(sameMatrix(back.b.ablation->delta, ab.delta));
        QVERIFY(sameMatrix(back.a.importance->normalized, im.normalized));
        QVERIFY(back.ablationDelta && std::isnan(back.ablationDelta->pearson));
        QCOMPARE(back.ablationDelta->nHeads, 2);
        QCOMPARE(back.importance->spearman, 1.0);
        QCOMPARE(back.seconds, r.seconds);
    }

    // Translation results are keyed by attention type; NaN cells (types not run) survive.
    void translationResults()
    {
        const Seq2SeqMasks shapes = translationMasks(false);
        TranslationEvalResult e;
        e.masks = translationMasks(true);
        e.beamSize = 4;
        e.maxLength = 64;
        e.batchSize = 8;
        e.hypotheses = {"ein Haus", ""};
        e.hasReferences = true;
        e.bleu.score = 41.5;
        e.bleu.precisions = {70.0, 50.0, 40.0, 30.0};
        e.bleu.counts = {7, 4, 2, 1};
        e.bleu.totals = {10, 8, 5, 3};
        e.bleu.bp = 0.9;
        e.bleu.ratio = 0.95;
        e.bleu.sysLen = 10;
        e.bleu.refLen = 11;
        e.bleuParams.tokenizer = BleuTokenizer::Intl;
        e.chrf = 55.25;
        PairedBootstrapResult b;
        b.delta = -3.5;
        b.deltaInterval = {-5.0, -2.0};
        b.pValue = 0.001;
        b.nResamples = 1000;
        b.seed = 12345;
        e.bootstrap = b;
        e.nSentences = 2;
        e.nTokens = 9;
        e.tokensPerSecond = 120.5;
        const auto eb = valueOf(report::translationEvalFromJson(throughText(report::toJson(e)), shapes));
        QVERIFY(eb.masks.encoderDecoder == e.masks.encoderDecoder && eb.masks.encoderSelf == e.masks.encoderSelf);
        QCOMPARE(eb.hypotheses, e.hypotheses);
        QCOMPARE(eb.bleu.score, 41.5);
        QCOMPARE(eb.bleu.counts, e.bleu.counts);
        QVERIFY(eb.bleuParams.tokenizer == BleuTokenizer::Intl);
        QCOMPARE(*eb.chrf, 55.25);
        QCOMPARE(eb.bootstrap->deltaInterval.low, -5.0);
        QCOMPARE(eb.bootstrap->pValue, 0.001);
        QCOMPARE(eb.tokensPerSecond, 120.5);
        QCOMPARE(eb.beamSize, 4);

        TranslationImportanceResult imp;
        imp.raw = HeadMatrices::filled(shapes, 0.25);
        imp.raw.decoderSelf[1][2] = 0.0;
        imp.normalized = HeadMatrices::filled(shapes, 0.5);
        imp.nExamples = 7;
        imp.meanLoss = 2.5;
        const auto ib = valueOf(report::translationImportanceFromJson(throughText(report::toJson(imp))));
        QVERIFY(sameMatrices(ib.raw, imp.raw) && sameMatrices(ib.normalized, imp.normalized));
        QCOMPARE(ib.meanLoss, 2.5);

        TranslationAblationResult a;
        a.params.mode = AblationMode::KeepOne;
        a.params.types = {AttentionType::EncoderDecoder};
        a.params.decode.masks = translationMasks(true);
        a.subset = {0, 3, 4};
        a.nPopulation = 10;
        a.baselineBleu = 30.0;
        a.bleu = HeadMatrices::filled(shapes, kNan);
        a.bleu.encoderDecoder[0][1] = 12.0;
        a.delta = a.pValue = a.deltaLow = a.deltaHigh = a.bleu;
        a.layersDone = {{AttentionType::EncoderDecoder, 0}};
        a.nLayersTotal = 2;
        a.encoderPasses = 1;
        a.decoderPasses = 4;
        a.nVariants[size_t(AttentionType::EncoderDecoder)] = 3;
        a.variantSeconds[size_t(AttentionType::EncoderDecoder)] = 1.5;
        a.variantTokens[size_t(AttentionType::EncoderDecoder)] = 77;
        const report::Json aj = report::toJson(a);
        QCOMPARE(std::string(report::resultKey(a)), std::string("keep_one"));
        const auto ab = valueOf(report::translationAblationFromJson(throughText(aj)));
        QVERIFY(ab.params.mode == AblationMode::KeepOne);
        QVERIFY(ab.params.types == a.params.types);
        QVERIFY(ab.params.decode.masks.encoderDecoder == a.params.decode.masks.encoderDecoder);
        QCOMPARE(ab.subset, a.subset);
        QVERIFY(sameMatrices(ab.bleu, a.bleu));
        QVERIFY(!ab.complete());
        QCOMPARE(ab.layersDone.size(), size_t(1));
        QCOMPARE(ab.encoderPasses, int64_t(1));
        QCOMPARE(ab.variantSeconds[size_t(AttentionType::EncoderDecoder)], 1.5);
        QCOMPARE(ab.variantTokens[size_t(AttentionType::EncoderDecoder)], int64_t(77));

        TranslationPruneCurveSet c;
        c.params.stepPercent = 50.0;
        c.scores = HeadMatrices::filled(shapes, 0.3);
        c.baselineBleu = 30.0;
        TranslationPruneCurve curve;
        curve.scope = PruneScope::EncoderDecoder;
        curve.totalHeads = 6;
        for (int k = 0; k < 2; ++k) {
            TranslationPruneCurvePoint p;
            p.percent = 50.0 * k;
            p.nPruned = 3 * k;
            p.bleu = 30.0 - 10 * k;
            p.masks = translationMasks(k == 1);
            curve.points.push_back(p);
        }
        c.curves.push_back(curve);
        c.encoderPasses = 1;
        c.complete = true;
        const auto cb = valueOf(report::translationPruneCurvesFromJson(throughText(report::toJson(c)), shapes));
        QCOMPARE(cb.curves.size(), size_t(1));
        QVERIFY(cb.curves[0].scope == PruneScope::EncoderDecoder);
        QCOMPARE(cb.curves[0].points[1].bleu, 20.0);
        QVERIFY(cb.curves[0].points[1].masks.encoderDecoder == c.curves[0].points[1].masks.encoderDecoder);
        QVERIFY(sameMatrices(cb.scores, c.scores));
        QVERIFY(cb.complete);

        // Decoding latency: every row back, speed-up in tokens/s over the original at that batch.
        TranslationLatencyResult lat;
        lat.params.batchSizes = {1, 16};
        lat.params.beamSize = 4;
        lat.params.masks = translationMasks(true);
        lat.nSentences = 50;
        lat.device = "cpu";
        for (const char* variant : {"original", "masked", "pruned"})
            for (int b : {1, 16}) {
                TranslationLatencyMeasurement m;
                m.variant = variant;
                m.batchSize = b;
                m.medianSeconds = 2.0 / b;
                m.q1Seconds = 1.5 / b;
                m.q3Seconds = 2.5 / b;
                m.nTokens = 1000;
                m.tokensPerSecond = (std::string(variant) == "original" ? 500.0 : 800.0) * b;
                m.sentencesPerSecond = 25.0 * b;
                m.nParameters = std::string(variant) == "pruned" ? 900 : 1000;
                lat.measurements.push_back(m);
            }
        const auto latJson = report::toJson(lat);
        QCOMPARE(latJson.at("measurements").at(3).at("speedup").get<double>(), 1.6); // masked, batch 16: 12800 / 8000
        const auto lb = valueOf(report::translationLatencyFromJson(throughText(latJson), shapes));
        QCOMPARE(lb.measurements.size(), size_t(6));
        QCOMPARE(lb.measurements[5].variant, std::string("pruned"));
        QCOMPARE(lb.measurements[5].nParameters, int64_t(900));
        QCOMPARE(lb.measurements[2].tokensPerSecond, 800.0);
        QCOMPARE(lb.params.beamSize, 4);
        QVERIFY(lb.params.includeMasked && lb.params.includePruned);
        QVERIFY(lb.params.masks.encoderDecoder == lat.params.masks.encoderDecoder);

        // Cross-set comparison: both importances, the BLEUs and the correlations (NaN kept).
        TranslationCompareResult cmp;
        cmp.sourceA = "a.src";
        cmp.referenceA = "a.ref";
        cmp.sourceB = "b.src";
        cmp.referenceB = "b.ref";
        cmp.nA = 3;
        cmp.nB = 5;
        cmp.bleuA = 41.5;
        cmp.bleuB = 17.25;
        cmp.importanceA.raw = cmp.importanceA.normalized = HeadMatrices::filled(shapes, 0.125);
        cmp.importanceB.raw = cmp.importanceB.normalized = HeadMatrices::filled(shapes, 0.75);
        cmp.correlation[size_t(AttentionType::EncoderDecoder)] = {0.5, 0.25, 6};
        cmp.correlation[size_t(AttentionType::DecoderSelf)] = {kNan, kNan, 6};
        cmp.allTypes = {0.3, 0.2, 18};
        const auto cmpBack = valueOf(report::translationCompareFromJson(throughText(report::toJson(cmp))));
        QCOMPARE(cmpBack.sourceB, std::string("b.src"));
        QCOMPARE(cmpBack.nB, int64_t(5));
        QCOMPARE(cmpBack.bleuB, 17.25);
        QVERIFY(sameMatrices(cmpBack.importanceB.normalized, cmp.importanceB.normalized));
        QCOMPARE(cmpBack.correlation[size_t(AttentionType::EncoderDecoder)].spearman, 0.25);
        QVERIFY(std::isnan(cmpBack.correlation[size_t(AttentionType::DecoderSelf)].pearson));
        QCOMPARE(cmpBack.allTypes.nHeads, 18);

        // A masked head outside the model is refused (encoder_decoder 1:0 of a 1-layer decoder).
        Seq2SeqMasks smaller = shapes;
        smaller.encoderDecoder = HeadMask(1, 3);
        smaller.decoderSelf = HeadMask(1, 3);
        QVERIFY(!report::seq2seqMasksFromJson(report::seq2seqMasksJson(translationMasks(true)), smaller).ok());
    }

    void malformedInputNamesTheProblem()
    {
        report::Json j = report::toJson(ImportanceResult{});
        j.erase("scores_raw");
        const auto r = report::importanceFromJson(j);
        QVERIFY(!r);
        QVERIFY(r.error().code == ErrorCode::InvalidFile);
        QVERIFY(r.error().message.find("importance") != std::string::npos);
        QVERIFY(r.error().detail.find("scores_raw") != std::string::npos);

        report::Json bad = report::toJson(ImportanceResult{});
        bad["method"] = "gradient-ish";
        QVERIFY(!report::importanceFromJson(bad));
        // A mask naming a head the model does not have.
        report::Json mask = report::maskJson(maskOf(2, 2, {{1, 1}}));
        QVERIFY(report::maskFromJson(mask, 2, 2).ok());
        QVERIFY(!report::maskFromJson(mask, 1, 2).ok());
    }
};

QTEST_GUILESS_MAIN(TestReportRoundTrip)
#include "tst_report_roundtrip.moc"
