// The streaming evaluation and the layer-state cache on a CUDA device: the same predictions as
// on the CPU, logits within 1e-4, and a click that starts above layer 0 from states kept in
// device memory. Skips (and says so) without a GPU; CPU coverage is in tst_streaming_eval.
#include "analysis/evaluator.h"
#include "analysis/layer_state_cache.h"
#include "model/encoder_model.h"

#include "test_checks.h"
#include "tiny_bert_writer.h"
#include "tiny_examples.h"
#include "tiny_model_loading.h"
#include "tiny_random.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace headscope::core;
using namespace headscope::testing;

class TestStreamingCuda : public QObject
{
    Q_OBJECT

private slots:
    void cachedClickOnTheGpu()
    {
        if (!cudaAvailable())
            QSKIP("no CUDA device: the GPU path of the streaming evaluation is not exercised here");
        QTemporaryDir tmp;
        TinyBertSpec spec;
        spec.nLayers = 4;
        spec.seed = 11;
        spec.weightScale = 0.5f;
        writeTinyBert(tmp.path().toStdString(), spec);
        const auto cpu = loadSingleThreaded(tmp.path().toStdString());
        QVERIFY(cpu);
        const auto moved = cpu->to("cuda", Precision::Float32);
        REQUIRE_OK(moved);
        const auto& gpu = *moved.value();
        EncodedDataset data;
        TinyRandom rng(5);
        for (int i = 0; i < 96; ++i)
            appendRandomExample(data, rng, 3 + int(rng.below(60)));

        LayerStateCache cache(size_t(64) << 20);
        EvalParams p;
        p.batchSize = 8;
        p.order = BatchOrder::Streaming;
        p.layerCache = &cache;
        const auto base = evaluate(gpu, data, p);
        REQUIRE_OK(base);
        p.mask = gpu.fullMask();
        p.mask.setKept(2, 1, false);
        p.baselineCorrect = std::make_shared<const std::vector<uint8_t>>(base->correct);
        const auto click = evaluate(gpu, data, p);
        REQUIRE_OK(click);
        QCOMPARE(cache.stats().layersSkipped, int64_t(2 * 12)); // 12 batches from layer 2
        EvalParams onCpu = p;
        onCpu.layerCache = nullptr;
        const auto ref = evaluate(*cpu, data, onCpu);
        REQUIRE_OK(ref);
        QCOMPARE(click->predictions, ref->predictions);
        double worst = 0.0;
        for (size_t i = 0; i < ref->logits.size(); ++i)
            for (size_t k = 0; k < ref->logits[i].size(); ++k)
                worst = std::max(worst, double(std::fabs(click->logits[i][k] - ref->logits[i][k])));
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
        QVERIFY(click->last.deltaEstimate().exact());
    }
};

QTEST_GUILESS_MAIN(TestStreamingCuda)
#include "tst_streaming_cuda.moc"
