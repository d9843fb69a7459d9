// The trainer on a tiny model (2 layers x 2 heads, hidden 16) for a few dozen steps: the loss
// falls, and the written Hugging Face folder reloads through EncoderModel (HeadScope's own,
// separately written forward) with the trainer's eval-mode logits to 1e-5. Also the schedule
// (hand-worked values) and a whole tiny training run's files. Never the full demo.
#include "analysis/encoded_dataset.h"
#include "analysis/evaluator.h"
#include "data/dataset.h"
#include "demo/classification_demo.h"
#include "demo/nli_grammar.h"
#include "io/safetensors_file.h"
#include "model/encoder_model.h"
#include "train/classifier_trainer.h"
#include "train/classifier_training.h"
#include "train/linear_warmup_schedule.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace headscope::core;

namespace {

ModelConfig tinyConfig()
{
    ModelConfig c;
    c.architecture = Architecture::Bert;
    c.modelType = "bert";
    c.nLayers = 2;
    c.nHeads = 2;
    c.hiddenSize = 16;
    c.intermediateSize = 32;
    c.maxPositionEmbeddings = 32;
    c.vocabSize = int(demoVocabulary().size());
    c.id2label = nliLabelNames();
    c.nLabels = 3;
    for (int i = 0; i < 3; ++i)
        c.label2id[c.id2label[size_t(i)]] = i;
    return c;
}

// Mean cross-entropy in double, computed here from the logits.
double meanLoss(const std::vector<std::vector<float>>& logits, const EncodedDataset& data)
{
    double sum = 0.0;
    for (size_t i = 0; i < logits.size(); ++i) {
        double z = 0.0;
        for (float v : logits[i])
            z += std::exp(double(v));
        sum += std::log(z) - double(logits[i][size_t(data.examples[i].label)]);
    }
    return sum / double(logits.size());
}

double maxAbsDiff(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b)
{
    double m = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t c = 0; c < a[i].size(); ++c)
            m = std::max(m, std::abs(double(a[i][c]) - double(b.at(i).at(c))));
    return m;
}

} // namespace

class TestClassifierTrainer : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string m_vocabPath, m_trainPath, m_devPath;
    EncodedDataset m_train, m_dev;

    EncodedDataset load(const std::string& path)
    {
        const auto tok = WordPieceTokenizer::fromVocabTxt(m_vocabPath, {});
        DatasetOptions opt;
        opt.strict = true;
        const ModelConfig config = tinyConfig();
        const auto ds = loadDataset(path, opt, &config.label2id);
        if (!ds)
            qFatal("%s", ds.error().toString().c_str());
        return encodeDataset(*tok, *ds, 32);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        ClassificationDemoParams p;
        p.seed = 21;
        p.nTrainPerDomain = 100;
        p.nDevPerDomain = 30;
        const auto data = generateClassificationDemo(p);
        m_vocabPath = m_dir.filePath("vocab.txt").toStdString();
        m_trainPath = m_dir.filePath("train.tsv").toStdString();
        m_devPath = m_dir.filePath("dev.tsv").toStdString();
        QVERIFY(writeVocabTxt(m_vocabPath, demoVocabulary()).ok());
        QVERIFY(writeNliTsv(m_trainPath, data.train).ok());
        QVERIFY(writeNliTsv(m_devPath, data.devMatched).ok());
        m_train = load(m_trainPath);
        m_dev = load(m_devPath);
        QCOMPARE(m_train.size(), size_t(200));
    }

    void schedule()
    {
        // Peak 1, 2 warm-up steps of 6: 1/2, 2/2, then (6 - s) / 4.
        const LinearWarmupSchedule s(1.0, 2, 6);
        const double expected[] = {0.5, 1.0, 1.0, 0.75, 0.5, 0.25};
        for (int i = 0; i < 6; ++i)
            QCOMPARE(s.at(i), expected[i]);
        QCOMPARE(s.at(6), 0.0);
    }

    void lossFallsAndCheckpointReloads()
    {
        ClassifierTrainParams params;
        params.seed = 3;
        params.nThreads = 1;
        params.dropout = 0.0;
        params.optimizer.learningRate = 1e-2;
        params.optimizer.warmupFraction = 0.1;
        const int nSteps = 60;
        auto created = ClassifierTrainer::create(tinyConfig(), params, nSteps);
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().toString().c_str());
        auto& trainer = *created.value();

        // The same 32 examples every step: a model that learns at all fits them.
        std::vector<size_t> batch(32);
        for (size_t i = 0; i < batch.size(); ++i)
            batch[i] = i;
        EncodedDataset fixed;
        for (size_t i : batch)
            fixed.examples.push_back(m_train.examples[i]);
        const double before = meanLoss(trainer.logits(fixed).value(), fixed);
        for (int s = 0; s < nSteps; ++s)
            QVERIFY(trainer.step(m_train, batch).ok());
        const double after = meanLoss(trainer.logits(fixed).value(), fixed);
        QCOMPARE(trainer.stepsDone(), int64_t(nSteps));
        QVERIFY2(after < 0.7 * before, qPrintable(QStringLiteral("loss %1 -> %2").arg(before).arg(after)));

        // F32: EncoderModel's logits equal the trainer's own eval-mode forward.
        const std::string dir = m_dir.filePath("tiny-f32").toStdString();
        QVERIFY(trainer.save(dir, demoVocabulary(), false).ok());
        const auto model = EncoderModel::load(dir);
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().toString().c_str());
        QCOMPARE((*model)->nLayers(), 2);
        QCOMPARE((*model)->nHeads(), 2);
        QCOMPARE((*model)->config().id2label, nliLabelNames());
        EvalParams ep;
        ep.batchSize = 7; // other batches and padding than the trainer's
        const auto eval = evaluate(**model, m_dev, ep);
        QVERIFY(eval.ok());
        const auto own = trainer.logits(m_dev).value();
        // fp32 through two code paths, batchings and GEMM kernels: OpenBLAS on an AMD EPYC gives
        // 2.7e-5 on logits up to 2.5 (1e-5 relative); a misplaced or missing weight moves them by 1e-1.
        QVERIFY2(maxAbsDiff(own, eval->logits) <= 1e-4, qPrintable(QString::number(maxAbsDiff(own, eval->logits))));

        // F16: the file holds F16 tensors and reloads to within half precision of the weights.
        const std::string dir16 = m_dir.filePath("tiny-f16").toStdString();
        QVERIFY(trainer.save(dir16, demoVocabulary(), true).ok());
        const auto file = SafetensorsFile::open(dir16 + "/model.safetensors");
        QVERIFY(file.ok());
        QCOMPARE(file->find("bert.encoder.layer.1.attention.self.query.weight")->dtype, DType::F16);
        const auto model16 = EncoderModel::load(dir16);
        QVERIFY(model16.ok());
        const auto eval16 = evaluate(**model16, m_dev, ep);
        QVERIFY(eval16.ok());
        // Rounding each weight to F16 (2^-11 relative; the encoding itself is tst_half_float_write's)
        // is amplified by the softmax and LayerNorm of a tiny model after a few steps, and the
        // trained weights depend on the machine's GEMM kernels: 0.056 on logits up to 2.5 with
        // OpenBLAS on an AMD EPYC. A misread F16 tensor (bytes, exponent bias) moves them by O(1).
        double scale = 1.0;
        for (const auto& row : own)
            for (float v : row)
                scale = std::max(scale, double(std::abs(v)));
        QVERIFY2(maxAbsDiff(own, eval16->logits) <= 0.05 * scale,
                 qPrintable(QStringLiteral("%1 on logits up to %2").arg(maxAbsDiff(own, eval16->logits)).arg(scale)));
    }

    void sameSeedSameModel()
    {
        // Reproducibility of the demo rests on this: same seed and threads, same weights.
        ClassifierTrainParams params;
        params.seed = 5;
        params.nThreads = 1;
        std::vector<std::vector<float>> logits[3];
        for (int run = 0; run < 3; ++run) {
            params.seed = run < 2 ? 5 : 6;
            auto trainer = ClassifierTrainer::create(tinyConfig(), params, 10).value();
            for (int s = 0; s < 10; ++s) {
                std::vector<size_t> batch;
                for (size_t i = 0; i < 16; ++i)
                    batch.push_back((size_t(s) * 16 + i) % m_train.size());
                QVERIFY(trainer->step(m_train, batch).ok());
            }
            logits[run] = trainer->logits(m_dev).value();
        }
        QCOMPARE(maxAbsDiff(logits[0], logits[1]), 0.0);
        QVERIFY(maxAbsDiff(logits[0], logits[2]) > 1e-4);
    }

    void tinyRunWritesSeries()
    {
        ClassifierTrainingJob job;
        job.task = "tiny";
        job.config = tinyConfig();
        job.vocab = demoVocabulary();
        job.train = m_train;
        job.trainPath = m_trainPath;
        job.dev = {{"dev_a", m_devPath, m_dev}, {"dev_b", m_devPath, m_dev}};
        job.params.nEpochs = 2;
        job.params.batchSize = 50;
        job.params.nThreads = 1;
        job.outDir = m_dir.filePath("run").toStdString();
        job.f16Checkpoints = false; // so that the reloaded checkpoint scores exactly as logged
        int64_t lastDone = 0, lastTotal = 0;
        int epochsSeen = 0;
        const auto log = trainClassifier(
            job, [&](int64_t done, int64_t total) { lastDone = done, lastTotal = total; return true; },
            [&](const EpochLog&) { ++epochsSeen; });
        QVERIFY2(log.ok(), log.ok() ? "" : (log.error().toString() + " " + log.error().detail).c_str());
        QCOMPARE(lastTotal, int64_t(8)); // 200 examples / 50 x 2 epochs
        QCOMPARE(lastDone, int64_t(8));
        QCOMPARE(epochsSeen, 2);
        for (const char* sub : {"checkpoints/epoch-01", "checkpoints/epoch-02", "model"})
            for (const char* f : {"config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json"})
                QVERIFY2(QFile::exists(m_dir.filePath(QStringLiteral("run/%1/%2").arg(QLatin1String(sub), QLatin1String(f)))),
                         sub);
        QFile logFile(m_dir.filePath("run/training_log.json"));
        QVERIFY(logFile.open(QIODevice::ReadOnly));
        const QJsonObject doc = QJsonDocument::fromJson(logFile.readAll()).object();
        QCOMPARE(doc.value("format").toString(), QStringLiteral("headscope-training-log"));
        const QJsonArray epochs = doc.value("epochs").toArray();
        QCOMPARE(epochs.size(), 2);
        const QJsonObject dev = epochs[1].toObject().value("dev").toObject();
        QCOMPARE(dev.value("dev_a").toObject().value("n").toInt(), 30);
        // The logged accuracy is the reloaded final model's accuracy on that set.
        const auto model = EncoderModel::load(m_dir.filePath("run/checkpoints/epoch-02").toStdString());
        QVERIFY(model.ok());
        const auto eval = evaluate(**model, m_dev, {});
        QVERIFY(eval.ok());
        QCOMPARE(dev.value("dev_a").toObject().value("n_correct").toInt(), int(eval->nCorrect));

        // Bad input is an error, not a crash.
        ClassifierTrainingJob empty = job;
        empty.train = {};
        QVERIFY(!trainClassifier(empty).ok());
    }
};

QTEST_GUILESS_MAIN(TestClassifierTrainer)
#include "tst_classifier_trainer.moc"
