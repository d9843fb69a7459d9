// The shipped translation demo (resources/demo/translation) is what its manifest says: the
// final model loads, its BLEU on both test sets (decoded here) equals the manifest's, every
// epoch's checkpoint loads with the model's shape, and the demo folder (both demos) stays within
// the 40 MB budget. Skips when the demo is not in the source tree.
#include "analysis/translation_eval.h"
#include "analysis/translation_set.h"
#include "model/seq2seq_model.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace headscope::core;

namespace {

QString demoRoot()
{
    return QStringLiteral(HEADSCOPE_SOURCE_DIR) + QStringLiteral("/resources/demo/translation");
}

QJsonObject manifest()
{
    QFile f(demoRoot() + QStringLiteral("/manifest.json"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

} // namespace

class TestTranslationDemo : public QObject
{
    Q_OBJECT
private slots:
    void init()
    {
        if (manifest().isEmpty()) QSKIP("resources/demo/translation is not in this tree");
    }

    void bleuAsInTheManifest()
    {
        const QJsonObject m = manifest();
        auto model = Seq2SeqModel::load((demoRoot() + QStringLiteral("/model")).toStdString());
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().toString().c_str());
        QCOMPARE((*model)->nLayers(AttentionType::EncoderSelf), 6);
        QCOMPARE((*model)->nLayers(AttentionType::DecoderSelf), 6);
        QCOMPARE((*model)->nHeads(AttentionType::EncoderDecoder), 8);
        for (const char* name : {"test", "test_ood"}) {
            const QString data = demoRoot() + QStringLiteral("/data/") + QLatin1String(name);
            auto set = loadTranslationSet(**model, (data + QStringLiteral(".src")).toStdString(),
                                          (data + QStringLiteral(".tgt")).toStdString());
            QVERIFY(set.ok());
            TranslationEvalParams params;
            params.decode.batchSize = 64;
            params.computeChrf = false;
            auto r = evaluateTranslation(**model, *set, params);
            QVERIFY(r.ok());
            const double shipped = m[QStringLiteral("bleu")][QLatin1String(name)].toDouble(-1.0);
            QVERIFY2(std::fabs(r->bleu.score - shipped) < 1e-9,
                     qPrintable(QStringLiteral("%1: decoded %2, manifest %3").arg(QLatin1String(name)).arg(r->bleu.score).arg(shipped)));
        }
    }

    void checkpointsLoad()
    {
        const int epochs = manifest()[QStringLiteral("checkpoints")][QStringLiteral("epochs")].toInt();
        QVERIFY(epochs >= 2);
        for (int e = 1; e <= epochs; ++e) {
            const QString dir = demoRoot() + QStringLiteral("/checkpoints/epoch-%1").arg(e, 2, 10, QLatin1Char('0'));
            auto model = Seq2SeqModel::load(dir.toStdString());
            QVERIFY2(model.ok(), qPrintable(dir));
            QCOMPARE((*model)->parameterCount(),
                     qint64(manifest()[QStringLiteral("model")][QStringLiteral("parameters")].toInteger()) +
                         (*model)->config().vocabSize); // + final_logits_bias, not trained
        }
    }

    void withinTheSizeBudget()
    {
        qint64 bytes = 0;
        QDirIterator it(QStringLiteral(HEADSCOPE_SOURCE_DIR) + QStringLiteral("/resources/demo"), QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            it.next();
            bytes += it.fileInfo().size();
        }
        QVERIFY2(bytes <= 40LL * 1000 * 1000, qPrintable(QStringLiteral("resources/demo holds %1 bytes").arg(bytes)));
    }
};

QTEST_GUILESS_MAIN(TestTranslationDemo)
#include "tst_translation_demo.moc"
