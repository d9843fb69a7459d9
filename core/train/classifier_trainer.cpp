#include "train/classifier_trainer.h"

#include "train/detail/bert_classifier_net.h"
#include "train/detail/checkpoint_writer.h"
#include "train/linear_warmup_schedule.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace headscope::core {

namespace {

struct TrainBatch
{
    torch::Tensor ids, types, keyMask, labels;
};

TrainBatch makeBatch(const EncodedDataset& data, const std::vector<size_t>& indices, int64_t padId)
{
    const int64_t b = int64_t(indices.size());
    int64_t t = 1;
    for (size_t i : indices)
        t = std::max<int64_t>(t, int64_t(data.examples.at(i).inputIds.size()));
    TrainBatch batch;
    batch.ids = torch::full({b, t}, padId, torch::kLong);
    batch.types = torch::zeros({b, t}, torch::kLong);
    batch.keyMask = torch::zeros({b, t}, torch::kFloat32);
    batch.labels = torch::full({b}, int64_t(-1), torch::kLong);
    auto ids = batch.ids.accessor<int64_t, 2>();
    auto types = batch.types.accessor<int64_t, 2>();
    auto mask = batch.keyMask.accessor<float, 2>();
    auto labels = batch.labels.accessor<int64_t, 1>();
    for (int64_t r = 0; r < b; ++r) {
        const auto& ex = data.examples[indices[size_t(r)]];
        for (size_t c = 0; c < ex.inputIds.size(); ++c) {
            ids[r][int64_t(c)] = ex.inputIds[c];
            types[r][int64_t(c)] = c < ex.tokenTypeIds.size() ? ex.tokenTypeIds[c] : 0;
            mask[r][int64_t(c)] = 1.0f;
        }
        labels[r] = ex.label;
    }
    return batch;
}

} // namespace

struct ClassifierTrainer::Impl
{
    Impl(const ModelConfig& cfg, const ClassifierTrainParams& p, int64_t totalSteps)
        : config(cfg), params(p),
          schedule(p.optimizer.learningRate, int64_t(std::llround(p.optimizer.warmupFraction * double(totalSteps))),
                   totalSteps)
    {
    }

    ModelConfig config;
    ClassifierTrainParams params;
    LinearWarmupSchedule schedule;
    std::shared_ptr<BertClassifierNet> net;
    std::unique_ptr<torch::optim::AdamW> optimizer;
    int64_t steps = 0;
};

ClassifierTrainer::ClassifierTrainer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ClassifierTrainer::~ClassifierTrainer() = default;

Result<std::unique_ptr<ClassifierTrainer>> ClassifierTrainer::create(const ModelConfig& config,
                                                                     const ClassifierTrainParams& params,
                                                                     int64_t totalSteps)
{
    return captureResult([&]() -> std::unique_ptr<ClassifierTrainer> {
        if (config.architecture != Architecture::Bert)
            fail(ErrorCode::InvalidArgument, "the trainer writes BERT-layout models only");
        if (config.nLayers < 1 || config.nHeads < 1 || config.hiddenSize % config.nHeads != 0 ||
            config.intermediateSize < 1 || config.vocabSize < 1 || config.nLabels < 2)
            fail(ErrorCode::InvalidArgument, "inconsistent model shape for training", {},
                 std::to_string(config.nLayers) + " layers, " + std::to_string(config.nHeads) + " heads, hidden " +
                     std::to_string(config.hiddenSize));
        if (params.batchSize < 1 || totalSteps < 1)
            fail(ErrorCode::InvalidArgument, "batch size and step count must be positive");
        if (params.nThreads > 0)
            torch::set_num_threads(params.nThreads);
        torch::manual_seed(params.seed);

        auto impl = std::make_unique<Impl>(config, params, totalSteps);
        impl->net = std::make_shared<BertClassifierNet>(config, params.dropout, params.initStd);
        const auto& o = params.optimizer;
        auto options = torch::optim::AdamWOptions(o.learningRate).betas({o.beta1, o.beta2}).eps(o.epsilon);
        std::vector<torch::optim::OptimizerParamGroup> groups;
        groups.emplace_back(impl->net->decayedWeights(),
                            std::make_unique<torch::optim::AdamWOptions>(options.weight_decay(o.weightDecay)));
        groups.emplace_back(impl->net->undecayedWeights(),
                            std::make_unique<torch::optim::AdamWOptions>(options.weight_decay(0.0)));
        impl->optimizer = std::make_unique<torch::optim::AdamW>(std::move(groups), options);
        return std::unique_ptr<ClassifierTrainer>(new ClassifierTrainer(std::move(impl)));
    });
}

Result<double> ClassifierTrainer::step(const EncodedDataset& data, const std::vector<size_t>& indices)
{
    return captureResult([&]() -> double {
        auto& m = *m_impl;
        if (indices.empty())
            fail(ErrorCode::InvalidArgument, "empty training batch");
        const TrainBatch batch = makeBatch(data, indices, m.config.padTokenId);
        if ((batch.labels < 0).any().item<bool>() || (batch.labels >= m.config.nLabels).any().item<bool>())
            fail(ErrorCode::InvalidArgument, "training example without a valid label");
        const double lr = m.schedule.at(m.steps);
        for (auto& group : m.optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);

        m.net->train();
        m.optimizer->zero_grad();
        const auto logits = m.net->forward(batch.ids, batch.types, batch.keyMask);
        const auto loss = torch::nn::functional::cross_entropy(logits, batch.labels);
        loss.backward();
        if (m.params.optimizer.clipNorm > 0)
            torch::nn::utils::clip_grad_norm_(m.net->parameters(), m.params.optimizer.clipNorm);
        m.optimizer->step();
        ++m.steps;
        const double value = loss.item<double>();
        if (!std::isfinite(value))
            fail(ErrorCode::Runtime, "training diverged (loss is not finite)", {},
                 "step " + std::to_string(m.steps) + ", learning rate " + std::to_string(lr));
        return value;
    });
}

Result<std::vector<std::vector<float>>> ClassifierTrainer::logits(const EncodedDataset& data) const
{
    return captureResult([&]() -> std::vector<std::vector<float>> {
        auto& m = *m_impl;
        torch::NoGradGuard noGrad;
        m.net->eval();
        std::vector<std::vector<float>> out(data.size());
        const int batchSize = std::max(1, m.params.evalBatchSize);
        for (const auto& indices : makeBatches(data, batchSize, true)) {
            const TrainBatch batch = makeBatch(data, indices, m.config.padTokenId);
            const auto logits = m.net->forward(batch.ids, batch.types, batch.keyMask).contiguous();
            const auto acc = logits.accessor<float, 2>();
            for (size_t r = 0; r < indices.size(); ++r) {
                auto& row = out[indices[r]];
                for (int64_t c = 0; c < logits.size(1); ++c)
                    row.push_back(acc[int64_t(r)][c]);
            }
        }
        return out;
    });
}

Result<bool> ClassifierTrainer::save(const std::string& dir, const std::vector<std::string>& vocab, bool f16) const
{
    return captureResult([&]() -> bool {
        if (int64_t(vocab.size()) != m_impl->config.vocabSize)
            fail(ErrorCode::InvalidArgument, "vocabulary size does not match the model", dir,
                 std::to_string(vocab.size()) + " tokens, vocab_size " + std::to_string(m_impl->config.vocabSize));
        CheckpointFiles files;
        files.tensors = m_impl->net->namedWeights();
        files.f16 = f16;
        auto config = nlohmann::json::parse(modelConfigToJson(m_impl->config));
        config["torch_dtype"] = f16 ? "float16" : "float32";
        files.textFiles["config.json"] = config.dump(2) + "\n";
        std::string vocabText;
        for (const auto& token : vocab)
            vocabText += token + "\n";
        files.textFiles["vocab.txt"] = vocabText;
        const nlohmann::json tokenizerConfig = {{"do_lower_case", true},
                                                {"model_max_length", m_impl->config.maxPositionEmbeddings},
                                                {"tokenizer_class", "BertTokenizer"}};
        files.textFiles["tokenizer_config.json"] = tokenizerConfig.dump(2) + "\n";
        writeCheckpoint(dir, files);
        return true;
    });
}

const ModelConfig& ClassifierTrainer::config() const
{
    return m_impl->config;
}

int64_t ClassifierTrainer::stepsDone() const
{
    return m_impl->steps;
}

double ClassifierTrainer::learningRate() const
{
    return m_impl->schedule.at(m_impl->steps);
}

int64_t ClassifierTrainer::parameterCount() const
{
    int64_t n = 0;
    for (const auto& [name, t] : m_impl->net->namedWeights())
        n += t.numel();
    return n;
}

} // namespace headscope::core
