#pragma once
// Trains a BERT-layout sequence classifier from scratch and saves it in Hugging Face layout,
// loadable by EncoderModel. One trainer is used by one thread at a time.
//
//   ModelConfig cfg = demoClassifierConfig(...);   // nLayers, nHeads, hiddenSize, labels, vocab
//   auto trainer = ClassifierTrainer::create(cfg, params, totalSteps);
//   double loss = *(*trainer)->step(train, {0, 1, 2, 3});
//   auto logits = (*trainer)->logits(dev);          // eval mode (no dropout)
//   (*trainer)->save("out/model", vocab, false);
#include "analysis/encoded_dataset.h"
#include "io/model_config.h"
#include "train/train_params.h"
#include "util/result.h"

#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

class ClassifierTrainer
{
public:
    struct Impl; // torch module and optimizer

    /// Fresh weights drawn from params.seed; AdamW with the linear warm-up / decay schedule
    /// over totalSteps steps. Sets LibTorch's thread count to params.nThreads (process-wide).
    static Result<std::unique_ptr<ClassifierTrainer>> create(const ModelConfig& config,
                                                             const ClassifierTrainParams& params,
                                                             int64_t totalSteps);
    ~ClassifierTrainer();

    /// One optimiser step (dropout on) on the examples at these indices; the batch's mean loss.
    Result<double> step(const EncodedDataset& data, const std::vector<size_t>& indices);
    /// Eval-mode (no dropout) logits of every example, in dataset order.
    Result<std::vector<std::vector<float>>> logits(const EncodedDataset& data) const;
    /// Writes config.json, model.safetensors (F32, or F16 with f16), vocab.txt and
    /// tokenizer_config.json (lower-casing on) into dir.
    Result<bool> save(const std::string& dir, const std::vector<std::string>& vocab, bool f16) const;

    const ModelConfig& config() const;
    int64_t stepsDone() const;
    double learningRate() const; // of the next step
    int64_t parameterCount() const;

private:
    explicit ClassifierTrainer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace headscope::core
