// The translation trainer on a tiny Marian model (2+2 layers x 2 heads, d_model 16) and the
// demo corpus: SentencePiece models trained by headscope-spm-train give a well-formed Marian
// vocabulary; the teacher-forced loss (recomputed here in double from the logits, no label
// smoothing) falls; the written folder reloads through Seq2SeqModel with the trainer's logits
// (F32 to 1e-5, F16 to 2e-2); the same seed gives the same model. Never the full demo.
#include "demo/translation_corpus.h"
#include "io/safetensors_file.h"
#include "model/seq2seq_inference.h"
#include "model/seq2seq_model.h"
#include "text/sentencepiece_model.h"
#include "train/marian_tokenizer_files.h"
#include "train/translation_trainer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace headscope::core;

namespace {

Seq2SeqConfig tinyConfig(int vocabSize)
{
    Seq2SeqConfig c;
    c.modelType = "marian";
    c.dModel = 16;
    c.encoderLayers = c.decoderLayers = 2;
    c.encoderHeads = c.decoderHeads = 2;
    c.encoderFfnDim = c.decoderFfnDim = 32;
    c.activation = FfnActivation::Swish;
    c.scaleEmbedding = true;
    c.maxPositionEmbeddings = 64;
    c.vocabSize = c.decoderVocabSize = vocabSize;
    c.generation.decoderStartTokenId = c.generation.padTokenId = vocabSize - 1;
    c.generation.eosTokenId = 0;
    c.generation.maxLength = 40;
    c.generation.numBeams = 1;
    return c;
}

// Mean cross-entropy per target token, in double, from teacher-forced logits.
double meanLoss(const std::vector<std::vector<std::vector<float>>>& logits, const std::vector<TranslationPair>& pairs)
{
    double sum = 0.0;
    int64_t n = 0;
    for (size_t i = 0; i < pairs.size(); ++i)
        for (size_t t = 0; t < pairs[i].targetIds.size(); ++t) {
            const auto& row = logits[i][t];
            double z = 0.0;
            for (float v : row)
                z += std::exp(double(v));
            sum += std::log(z) - double(row[size_t(pairs[i].targetIds[t])]);
            ++n;
        }
    return sum / double(n);
}

double maxAbsDiff(const std::vector<std::vector<std::vector<float>>>& a,
                  const std::vector<std::vector<std::vector<float>>>& b)
{
    double m = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t t = 0; t < a[i].size(); ++t)
            for (size_t v = 0; v < a[i][t].size(); ++v)
                m = std::max(m, std::abs(double(a[i][t][v]) - double(b[i][t][v])));
    return m;
}

} // namespace

class TestTranslationTrainer : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    TranslationCorpus m_corpus;
    MarianTokenizerFiles m_tokenizer;

    std::unique_ptr<TranslationTrainer> makeTrainer(const QString& initName, uint64_t seed, int64_t steps)
    {
        TranslationTrainParams p;
        p.seed = seed;
        p.batchSize = 16;
        p.optimizer.learningRate = 3e-3;
        p.optimizer.warmupFraction = 0.05;
        auto created = TranslationTrainer::create(tinyConfig(m_tokenizer.vocabSize), m_tokenizer.files,
                                                  m_dir.filePath(initName).toStdString(), p, steps);
        if (!created) qWarning("%s", created.error().toString().c_str());
        return created ? std::move(created).value() : nullptr;
    }

    std::vector<TranslationPair> encode(const Seq2SeqModel& model, size_t n) const
    {
        std::vector<TranslationPair> pairs;
        for (size_t i = 0; i < n && i < m_corpus.train.size(); ++i)
            pairs.push_back({model.tokenizer().encodeSource(m_corpus.train[i].source),
                             model.tokenizer().encodeTarget(m_corpus.train[i].target)});
        return pairs;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        TranslationCorpusParams cp;
        cp.nTrain = 400;
        cp.nDev = cp.nTest = cp.nTestOod = 10;
        m_corpus = generateTranslationCorpus(cp);
        const QString corpusDir = m_dir.filePath(QStringLiteral("corpus"));
        QVERIFY(writeTranslationCorpus(corpusDir.toStdString(), m_corpus).ok());
        MarianTokenizerParams tp;
        tp.spmTrainProgram = HEADSCOPE_SPM_TRAIN;
        tp.vocabSize = 80;
        auto tok = trainMarianTokenizer((corpusDir + QStringLiteral("/train.src")).toStdString(),
                                        (corpusDir + QStringLiteral("/train.tgt")).toStdString(),
                                        m_dir.filePath(QStringLiteral("tok")).toStdString(), tp);
        QVERIFY2(tok.ok(), tok.ok() ? "" : tok.error().toString().c_str());
        m_tokenizer = *tok;
    }

    void vocabularyIsMarianShaped()
    {
        const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(m_tokenizer.files.at("vocab.json")));
        const QJsonObject vocab = doc.object();
        QCOMPARE(vocab.size(), m_tokenizer.vocabSize);
        QCOMPARE(vocab.value(QStringLiteral("</s>")).toInt(-1), 0);
        QCOMPARE(vocab.value(QStringLiteral("<unk>")).toInt(-1), 1);
        QCOMPARE(vocab.value(QStringLiteral("<pad>")).toInt(-1), m_tokenizer.vocabSize - 1);
        std::set<int> ids;
        for (auto it = vocab.begin(); it != vocab.end(); ++it)
            ids.insert(it.value().toInt(-1));
        QCOMPARE(int(ids.size()), m_tokenizer.vocabSize); // ids 0..V-1, each once
        QCOMPARE(*ids.begin(), 0);
        QCOMPARE(*ids.rbegin(), m_tokenizer.vocabSize - 1);
        // Every normal piece of both SentencePiece models is in the vocabulary.
        for (const char* name : {"source.spm", "target.spm"}) {
            const QString path = m_dir.filePath(QString::fromLatin1(name));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(m_tokenizer.files.at(name)));
            f.close();
            auto sp = SentencePieceModel::load(path.toStdString());
            QVERIFY(sp.ok());
            for (int id = 0; id < sp->pieceCount(); ++id)
                if (sp->kind(id) == SentencePieceModel::PieceKind::Normal)
                    QVERIFY2(vocab.contains(QString::fromStdString(sp->piece(id))), sp->piece(id).c_str());
        }
        const auto generation =
            QJsonDocument::fromJson(QByteArray::fromStdString(m_tokenizer.files.at("generation_config.json"))).object();
        QCOMPARE(generation.value(QStringLiteral("decoder_start_token_id")).toInt(), m_tokenizer.vocabSize - 1);
    }

    void lossFallsAndCheckpointReloads()
    {
        const int64_t nSteps = 200;
        auto trainer = makeTrainer(QStringLiteral("init"), 3, nSteps);
        QVERIFY(trainer);
        const auto model = trainer->model();
        const auto pairs = encode(*model, 400);
        const std::vector<TranslationPair> probe(pairs.begin(), pairs.begin() + 32);
        const auto logitsBefore = teacherForcedLogits(*model, probe);
        QVERIFY(logitsBefore.ok());
        const double before = meanLoss(*logitsBefore, probe);
        for (int64_t s = 0; s < nSteps; ++s) {
            std::vector<size_t> batch;
            for (size_t k = 0; k < 16; ++k)
                batch.push_back(size_t((s * 16 + int64_t(k)) % int64_t(pairs.size())));
            QVERIFY(trainer->step(pairs, batch).ok());
        }
        QCOMPARE(trainer->stepsDone(), nSteps);
        const auto own = teacherForcedLogits(*model, probe);
        QVERIFY(own.ok());
        const double after = meanLoss(*own, probe);
        QVERIFY2(after < 0.6 * before, qPrintable(QStringLiteral("loss %1 -> %2").arg(before).arg(after)));

        const QString dir = m_dir.filePath(QStringLiteral("model"));
        QVERIFY(trainer->save(dir.toStdString(), false).ok());
        auto reloaded = Seq2SeqModel::load(dir.toStdString());
        QVERIFY2(reloaded.ok(), reloaded.ok() ? "" : reloaded.error().toString().c_str());
        QCOMPARE((*reloaded)->nHeads(AttentionType::EncoderDecoder), 2);
        const auto back = teacherForcedLogits(**reloaded, probe);
        QVERIFY(back.ok());
        QVERIFY2(maxAbsDiff(*own, *back) <= 1e-5, qPrintable(QString::number(maxAbsDiff(*own, *back))));
        QCOMPARE((*reloaded)->tokenizer().encodeSource(m_corpus.train[0].source), probe[0].sourceIds);

        const QString dir16 = m_dir.filePath(QStringLiteral("model16"));
        QVERIFY(trainer->save(dir16.toStdString(), true).ok());
        auto file = SafetensorsFile::open((dir16 + QStringLiteral("/model.safetensors")).toStdString());
        QVERIFY(file.ok());
        QCOMPARE(file->find("model.decoder.layers.1.encoder_attn.q_proj.weight")->dtype, DType::F16);
        auto model16 = Seq2SeqModel::load(dir16.toStdString());
        QVERIFY(model16.ok());
        const auto back16 = teacherForcedLogits(**model16, probe);
        QVERIFY(back16.ok());
        QVERIFY2(maxAbsDiff(*own, *back16) <= 2e-2, qPrintable(QString::number(maxAbsDiff(*own, *back16))));
    }

    void sameSeedSameModel()
    {
        std::vector<std::vector<std::vector<float>>> logits[2];
        for (int run = 0; run < 2; ++run) {
            auto trainer = makeTrainer(QStringLiteral("seed-%1").arg(run), 11, 5);
            QVERIFY(trainer);
            const auto pairs = encode(*trainer->model(), 80);
            for (int s = 0; s < 5; ++s) {
                std::vector<size_t> batch;
                for (size_t k = 0; k < 16; ++k)
                    batch.push_back(size_t(s) * 16 + k);
                QVERIFY(trainer->step(pairs, batch).ok());
            }
            const std::vector<TranslationPair> probe(pairs.begin(), pairs.begin() + 8);
            auto l = teacherForcedLogits(*trainer->model(), probe);
            QVERIFY(l.ok());
            logits[run] = *l;
        }
        QCOMPARE(maxAbsDiff(logits[0], logits[1]), 0.0);
    }

    void missingTrainerProgramIsNamed()
    {
        MarianTokenizerParams tp;
        tp.spmTrainProgram = m_dir.filePath(QStringLiteral("no-such-spm-train")).toStdString();
        const QString corpusDir = m_dir.filePath(QStringLiteral("corpus"));
        auto tok = trainMarianTokenizer((corpusDir + QStringLiteral("/train.src")).toStdString(),
                                        (corpusDir + QStringLiteral("/train.tgt")).toStdString(),
                                        m_dir.filePath(QStringLiteral("tok2")).toStdString(), tp);
        QVERIFY(!tok.ok());
        QVERIFY2(tok.error().toString().find("no-such-spm-train") != std::string::npos, tok.error().toString().c_str());
    }
};

QTEST_GUILESS_MAIN(TestTranslationTrainer)
#include "tst_translation_trainer.moc"
