#include "analysis/latency.h"

#include "metrics/statistics.h"
#include "model/detail/encoder_forward.h"
#include "model/detail/torch_helpers.h"

#include <chrono>

namespace headscope::core {

double forwardFlops(const EncoderModel& model, const HeadMask& keep, int seqLength)
{
    const double t = seqLength, h = model.config().hiddenSize, d = model.config().headDim(),
                 inter = model.config().intermediateSize;
    double flops = 0.0;
    for (int l = 0; l < model.nLayers(); ++l) {
        int hp = 0;
        for (int head = 0; head < model.nHeads(); ++head)
            hp += model.hasHead(l, head) && (keep.empty() || keep.isKept(l, head)) ? 1 : 0;
        const double width = hp * d;
        flops += 2 * t * h * 3 * width;       // Q, K, V projections
        flops += 2 * 2 * hp * t * t * d;      // scores and weighted values
        flops += 2 * t * width * h;           // output projection
        flops += 2 * 2 * t * h * inter;       // feed-forward
    }
    return flops + 2 * h * h + 2 * h * model.config().nLabels;
}

Result<LatencyResult> measureLatency(const EncoderModel& model, const LatencyParams& params, const Progress& progress)
{
    return captureResult([&]() -> LatencyResult {
        const auto& impl = model.impl();
        if (params.timedRuns < 1)
            fail(ErrorCode::InvalidArgument, "at least one timed run is needed");
        c10::InferenceMode guard;
        LatencyResult result;
        result.device = model.deviceName();
        result.nThreads = torchThreads();

        struct Variant
        {
            std::string name;
            const EncoderModel* model;
            torch::Tensor mask;
        };
        std::shared_ptr<const EncoderModel> prunedModel;
        std::vector<Variant> variants{{"original", &model, {}}};
        const bool haveMask = !params.mask.empty() && params.mask != model.fullMask();
        if (haveMask && params.includeMasked)
            variants.push_back({"masked", &model, maskTensor(params.mask, impl.device)});
        if (haveMask && params.includePruned) {
            auto p = model.pruned(params.mask);
            if (!p)
                throw ErrorException(p.error());
            prunedModel = p.value();
            variants.push_back({"pruned", prunedModel.get(), {}});
        }
        result.params = params;
        if (!params.seqLengths.empty()) {
            result.flopsOriginal = forwardFlops(model, {}, params.seqLengths.front());
            result.flopsPruned = forwardFlops(model, haveMask ? params.mask : HeadMask{}, params.seqLengths.front());
            result.idealSpeedup = result.flopsPruned > 0 ? result.flopsOriginal / result.flopsPruned : 1.0;
        }

        const int64_t total = int64_t(params.batchSizes.size() * params.seqLengths.size() * variants.size());
        int64_t done = 0;
        torch::manual_seed(params.seed);
        for (int seq : params.seqLengths) {
            if (seq < 2 || seq > model.config().maxPositionEmbeddings)
                fail(ErrorCode::InvalidArgument, "sequence length " + std::to_string(seq) + " is outside 2.." +
                                                     std::to_string(model.config().maxPositionEmbeddings));
            for (int bs : params.batchSizes) {
                if (bs < 1)
                    fail(ErrorCode::InvalidArgument, "batch sizes must be positive");
                EncoderBatch batch;
                batch.inputIds = torch::randint(5, model.config().vocabSize, {bs, seq}, torch::kLong).to(impl.device);
                batch.tokenTypeIds = torch::zeros({bs, seq}, torch::kLong).to(impl.device);
                batch.attentionMask = torch::ones({bs, seq}, torch::kFloat32).to(impl.device);
                batch.labels = torch::zeros({bs}, torch::kLong).to(impl.device);
                // Variants alternate inside each repetition so that drift hits them alike.
                std::vector<std::vector<double>> times(variants.size());
                for (int run = 0; run < params.warmupRuns + params.timedRuns; ++run) {
                    for (size_t v = 0; v < variants.size(); ++v) {
                        ForwardRequest req;
                        req.headMask = variants[v].mask;
                        synchronize(impl.device);
                        const auto t0 = std::chrono::steady_clock::now();
                        auto logits = encoderForward(variants[v].model->impl(), batch, req).logits;
                        synchronize(impl.device);
                        const double ms = 1000.0 * std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                        if (run >= params.warmupRuns)
                            times[v].push_back(ms);
                    }
                    if (progress && !progress(done, total))
                        fail(ErrorCode::Cancelled, "latency measurement cancelled");
                }
                for (size_t v = 0; v < variants.size(); ++v) {
                    LatencyMeasurement m;
                    m.variant = variants[v].name;
                    m.batchSize = bs;
                    m.seqLength = seq;
                    m.medianMs = median(times[v]);
                    m.q1Ms = quantile(times[v], 0.25);
                    m.q3Ms = quantile(times[v], 0.75);
                    m.examplesPerSecond = m.medianMs > 0 ? 1000.0 * bs / m.medianMs : 0.0;
                    m.nParameters = variants[v].model->parameterCount();
                    result.measurements.push_back(m);
                    ++done;
                }
            }
        }
        return result;
    });
}

} // namespace headscope::core
