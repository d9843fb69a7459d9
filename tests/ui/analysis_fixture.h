#pragma once
// A tiny model and two datasets in a temporary folder, a session loaded with them, and the same
// files loaded again directly through the core, so that tests can compare what the UI shows
// with what the engine computes on its own.
#include "analysis/dataset_loader.h"
#include "data/dataset.h"
#include "jobs/analysis_controller.h"
#include "model/encoder_model.h"
#include "session/session_state.h"
#include "tiny_bert_writer.h"
#include "tiny_vocab.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

namespace headscope::testing {

class AnalysisFixture
{
public:
    static constexpr int kBatchSize = 8;
    static constexpr int kExamples = 60;

    QTemporaryDir dir;
    QString modelDir, dataFile, dataFileB;

    /// Writes the model (2 layers x 4 heads) and two datasets of kExamples rows.
    bool write()
    {
        if (!dir.isValid()) return false;
        modelDir = dir.filePath(QStringLiteral("tiny"));
        dataFile = dir.filePath(QStringLiteral("a.tsv"));
        dataFileB = dir.filePath(QStringLiteral("b.tsv"));
        TinyBertSpec spec;
        spec.nLayers = 2;
        spec.nHeads = 4;
        spec.weightScale = 0.6f; // larger weights: masking one head changes some predictions
        writeTinyBert(modelDir.toStdString(), spec);
        writeTinyDataset(dataFile.toStdString(), kExamples, false, 11);
        writeTinyDataset(dataFileB.toStdString(), kExamples, false, 23);
        return true;
    }

    /// Loads model and dataset A into the session and waits until both are there.
    static bool load(ui::SessionState& session, const QString& model, const QString& data)
    {
        ui::EngineSettings settings = session.engineSettings();
        settings.batchSize = kBatchSize;
        session.setEngineSettings(settings);
        QSignalSpy errors(&session, &ui::SessionState::errorOccurred);
        session.loadModel(model);
        session.loadDataset(data);
        (void)QTest::qWaitFor([&]() { return session.isReady() || !errors.isEmpty(); }, 120000);
        if (!errors.isEmpty()) qWarning("%s", qPrintable(errors.first().at(1).toString()));
        return session.isReady();
    }

    /// Waits (up to 5 minutes) until the controller reports a finished job of this kind; fails
    /// the test when it does not, or when the controller reported an error meanwhile.
    static void waitForJob(ui::AnalysisController& analysis, const QString& kind)
    {
        QSignalSpy done(&analysis, &ui::AnalysisController::jobDone);
        QSignalSpy errors(&analysis, &ui::AnalysisController::errorOccurred);
        QVERIFY(QTest::qWaitFor(
            [&]() {
                return std::any_of(done.begin(), done.end(),
                                   [&](const QList<QVariant>& a) { return a.at(0).toString() == kind; });
            },
            300000));
        QVERIFY2(errors.isEmpty(),
                 qPrintable(errors.isEmpty() ? QString() : errors.first().at(1).toString()));
    }

    struct Direct
    {
        std::shared_ptr<const core::EncoderModel> model;
        core::EncodedDataset data;
    };

    /// The model and a dataset loaded by the core alone, as the session would encode them.
    static Direct loadDirect(const QString& model, const QString& data)
    {
        Direct d;
        auto m = core::EncoderModel::load(model.toStdString());
        if (!m) qFatal("%s", m.error().toString().c_str());
        d.model = m.value();
        auto ds = core::loadEncodedDataset(data.toStdString(), core::DatasetOptions(), *d.model,
                                           core::defaultMaxLength(*d.model));
        if (!ds) qFatal("%s", ds.error().toString().c_str());
        d.data = std::move(ds).value().encoded;
        return d;
    }
};

} // namespace headscope::testing
