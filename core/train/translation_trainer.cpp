#include "train/translation_trainer.h"

#include "model/detail/seq2seq_forward.h"
#include "model/detail/seq2seq_weights.h"
#include "model/seq2seq_model.h"
#include "train/detail/checkpoint_writer.h"
#include "train/linear_warmup_schedule.h"

#include <cmath>
#include <unordered_map>

namespace headscope::core {

namespace {

// Random initial weights under the Hugging Face Marian names: normal(0, std) matrices and
// embeddings, zero biases and final_logits_bias, LayerNorm 1 / 0. The static sinusoidal
// positions are not stored: the loader computes them.
std::vector<std::pair<std::string, torch::Tensor>> initialWeights(const Seq2SeqConfig& c, double std)
{
    std::vector<std::pair<std::string, torch::Tensor>> named;
    const int64_t d = c.dModel;
    auto normal = [&](const std::string& name, std::vector<int64_t> shape) {
        named.emplace_back(name, torch::randn(shape) * std);
    };
    auto zeros = [&](const std::string& name, std::vector<int64_t> shape) { named.emplace_back(name, torch::zeros(shape)); };
    auto norm = [&](const std::string& name) {
        named.emplace_back(name + ".weight", torch::ones({d}));
        named.emplace_back(name + ".bias", torch::zeros({d}));
    };
    auto attention = [&](const std::string& p, const std::string& normName) {
        for (const char* proj : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
            normal(p + proj + ".weight", {d, d});
            zeros(p + proj + ".bias", {d});
        }
        norm(normName);
    };
    normal("model.shared.weight", {c.vocabSize, d});
    zeros("final_logits_bias", {1, c.vocabSize});
    for (int decoder = 0; decoder < 2; ++decoder) {
        const int nLayers = decoder ? c.decoderLayers : c.encoderLayers;
        const int64_t ffn = decoder ? c.decoderFfnDim : c.encoderFfnDim;
        for (int l = 0; l < nLayers; ++l) {
            const std::string p = std::string(decoder ? "model.decoder" : "model.encoder") + ".layers." + std::to_string(l) + ".";
            attention(p + "self_attn.", p + "self_attn_layer_norm");
            if (decoder)
                attention(p + "encoder_attn.", p + "encoder_attn_layer_norm");
            normal(p + "fc1.weight", {ffn, d});
            zeros(p + "fc1.bias", {ffn});
            normal(p + "fc2.weight", {d, ffn});
            zeros(p + "fc2.bias", {d});
            norm(p + "final_layer_norm");
        }
    }
    return named;
}

} // namespace

struct TranslationTrainer::Impl
{
    Impl(const TranslationTrainParams& p, int64_t totalSteps)
        : params(p),
          schedule(p.optimizer.learningRate, int64_t(std::llround(p.optimizer.warmupFraction * double(totalSteps))),
                   totalSteps)
    {
    }

    TranslationTrainParams params;
    LinearWarmupSchedule schedule;
    std::shared_ptr<Seq2SeqModel> model;
    std::vector<torch::Tensor> decayed, undecayed; // trained tensors (ties appear once)
    std::unique_ptr<torch::optim::AdamW> optimizer;
    int64_t steps = 0;
};

TranslationTrainer::TranslationTrainer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TranslationTrainer::~TranslationTrainer() = default;

Result<std::unique_ptr<TranslationTrainer>> TranslationTrainer::create(const Seq2SeqConfig& config, const Files& tokenizer,
                                                                       const std::string& initDir,
                                                                       const TranslationTrainParams& params,
                                                                       int64_t totalSteps)
{
    return captureResult([&]() -> std::unique_ptr<TranslationTrainer> {
        if (config.modelType != "marian")
            fail(ErrorCode::InvalidArgument, "the translation trainer writes Marian models only");
        if (config.dModel < 1 || config.encoderLayers < 1 || config.decoderLayers < 1 || config.encoderHeads < 1 ||
            config.decoderHeads < 1 || config.dModel % config.encoderHeads != 0 ||
            config.dModel % config.decoderHeads != 0 || config.vocabSize < 4)
            fail(ErrorCode::InvalidArgument, "inconsistent model shape for training", {},
                 "d_model " + std::to_string(config.dModel) + ", heads " + std::to_string(config.encoderHeads) + "/" +
                     std::to_string(config.decoderHeads) + ", vocabulary " + std::to_string(config.vocabSize));
        if (params.batchSize < 1 || totalSteps < 1)
            fail(ErrorCode::InvalidArgument, "batch size and step count must be positive");
        if (params.nThreads > 0)
            torch::set_num_threads(params.nThreads);
        torch::manual_seed(params.seed);

        // Through the disk on purpose: the loader validates the folder as it would a user's.
        CheckpointFiles files;
        files.tensors = initialWeights(config, params.initStd > 0 ? params.initStd : 1.0 / std::sqrt(double(config.dModel)));
        files.textFiles = tokenizer;
        files.textFiles["config.json"] = seq2SeqConfigToJson(config);
        writeCheckpoint(initDir, files);
        auto loaded = Seq2SeqModel::load(initDir);
        if (!loaded)
            throw ErrorException(loaded.error());

        // A private copy of the weights that the optimiser may update in place (the loaded ones
        // may map the file). Tied tensors (shared embedding, LM head) stay one tensor.
        auto weights = std::make_unique<Seq2SeqModel::Impl>((*loaded)->impl());
        auto impl = std::make_unique<Impl>(params, totalSteps);
        std::unordered_map<const void*, torch::Tensor> copies;
        auto train = [&](torch::Tensor& t) {
            const void* key = t.unsafeGetTensorImpl();
            auto it = copies.find(key);
            if (it == copies.end()) {
                it = copies.emplace(key, t.detach().clone().set_requires_grad(true)).first;
                (t.dim() >= 2 ? impl->decayed : impl->undecayed).push_back(it->second);
            }
            t = it->second;
        };
        auto& w = *weights;
        train(w.encoderEmbedding);
        train(w.decoderEmbedding);
        train(w.lmHead);
        w.finalLogitsBias = w.finalLogitsBias.clone(); // a buffer in HF's Marian, not trained
        for (auto* stack : {&w.encoder, &w.decoder}) {
            for (auto& layer : *stack) {
                for (auto* a : {&layer.self, &layer.cross}) {
                    if (!a->wQkv.defined())
                        continue; // encoder layers have no cross-attention
                    for (auto* t : {&a->wQkv, &a->bQkv, &a->wO, &a->bO, &a->lnG, &a->lnB})
                        train(*t);
                }
                for (auto* t : {&layer.w1, &layer.b1, &layer.w2, &layer.b2, &layer.lnG, &layer.lnB})
                    train(*t);
            }
        }
        impl->model = std::make_shared<Seq2SeqModel>(std::move(weights));

        const auto& o = params.optimizer;
        auto options = torch::optim::AdamWOptions(o.learningRate).betas({o.beta1, o.beta2}).eps(o.epsilon);
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(impl->decayed, std::make_unique<torch::optim::AdamWOptions>(options.weight_decay(o.weightDecay)));
        groups.emplace_back(impl->undecayed, std::make_unique<torch::optim::AdamWOptions>(options.weight_decay(0.0)));
        impl->optimizer = std::make_unique<torch::optim::AdamW>(std::move(groups), options);
        return std::unique_ptr<TranslationTrainer>(new TranslationTrainer(std::move(impl)));
    });
}

Result<double> TranslationTrainer::step(const std::vector<TranslationPair>& pairs, const std::vector<size_t>& indices)
{
    return captureResult([&]() -> double {
        auto& t = *m_impl;
        if (indices.empty())
            fail(ErrorCode::InvalidArgument, "empty training batch");
        std::vector<std::vector<int64_t>> sources, targets;
        std::vector<size_t> rows;
        for (size_t i : indices) {
            const auto& p = pairs.at(i);
            if (p.sourceIds.empty() || p.targetIds.empty())
                fail(ErrorCode::InvalidArgument, "training pair without source or target tokens", {},
                     "pair " + std::to_string(i));
            rows.push_back(sources.size());
            sources.push_back(p.sourceIds);
            targets.push_back(p.targetIds);
        }
        const double lr = t.schedule.at(t.steps);
        for (auto& group : t.optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);

        torch::AutoGradMode gradMode(true);
        const auto& m = t.model->impl();
        t.optimizer->zero_grad();
        const auto enc = runEncoder(m, makeSourceBatch(m, sources, rows), torch::Tensor());
        const auto tgt = makeTargetBatch(m, targets, rows);
        const auto logits = lmLogits(m, runDecoder(m, enc, tgt.decoderInput, Seq2SeqMaskTensors{}, nullptr));
        const auto loss = torch::nn::functional::cross_entropy(
            logits.reshape({-1, logits.size(-1)}), tgt.labels.reshape({-1}),
            torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100).label_smoothing(t.params.labelSmoothing));
        loss.backward();
        if (t.params.optimizer.clipNorm > 0) {
            std::vector<torch::Tensor> all = t.decayed;
            all.insert(all.end(), t.undecayed.begin(), t.undecayed.end());
            torch::nn::utils::clip_grad_norm_(all, t.params.optimizer.clipNorm);
        }
        t.optimizer->step();
        ++t.steps;
        const double value = loss.item<double>();
        if (!std::isfinite(value))
            fail(ErrorCode::Runtime, "training diverged (loss is not finite)", {},
                 "step " + std::to_string(t.steps) + ", learning rate " + std::to_string(lr));
        return value;
    });
}

std::shared_ptr<const Seq2SeqModel> TranslationTrainer::model() const
{
    return m_impl->model;
}

Result<bool> TranslationTrainer::save(const std::string& dir, bool f16) const
{
    torch::NoGradGuard noGrad;
    return m_impl->model->save(dir, f16);
}

int64_t TranslationTrainer::stepsDone() const
{
    return m_impl->steps;
}

double TranslationTrainer::learningRate() const
{
    return m_impl->schedule.at(m_impl->steps);
}

int64_t TranslationTrainer::parameterCount() const
{
    int64_t n = 0;
    for (const auto* list : {&m_impl->decayed, &m_impl->undecayed})
        for (const auto& t : *list)
            n += t.numel();
    return n;
}

} // namespace headscope::core
