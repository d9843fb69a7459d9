#pragma once
// Trains a Marian translation model (Hugging Face MarianMT layout) from scratch, on pairs of
// token ids, and saves it as a folder that Seq2SeqModel loads. The forward pass is the engine's
// own (core/model/seq2seq_forward), so what is trained is exactly what HeadScope analyses.
// One trainer is used by one thread at a time.
//
//   TranslationTrainer::Files tokenizer = {{"source.spm", bytes}, {"target.spm", bytes},
//                                          {"vocab.json", text}, ...};
//   auto trainer = TranslationTrainer::create(config, tokenizer, "work/init", params, totalSteps);
//   double loss = *(*trainer)->step(pairs, {0, 1, 2, 3});
//   auto bleu = evaluateTranslation(*(*trainer)->model(), devSet, {});  // between steps
//   (*trainer)->save("out/model", false);
#include "io/seq2seq_config.h"
#include "model/seq2seq_inference.h"
#include "train/train_params.h"
#include "util/result.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace headscope::core {

class Seq2SeqModel;

struct TranslationTrainParams
{
    OptimizerParams optimizer;
    int nEpochs = 8;
    int batchSize = 64;
    double labelSmoothing = 0.1;
    /// Standard deviation of the normal initialisation of matrices and embeddings; 0 means
    /// 1 / sqrt(d_model), which lets a narrow model leave its first plateau sooner.
    double initStd = 0.0;
    uint64_t seed = 1;  // weights and (for the caller) the order of the pairs
    int nThreads = 2;   // LibTorch intra-op threads, fixed so that runs reproduce
};

class TranslationTrainer
{
public:
    struct Impl; // the model being trained and its optimizer
    /// File name -> content (binary for .spm) of the tokenizer files written beside the weights.
    using Files = std::map<std::string, std::string>;

    /// Fresh weights drawn from params.seed for config (model_type marian), written with the
    /// tokenizer files to initDir and loaded from there by Seq2SeqModel (so its checks apply);
    /// AdamW with the linear warm-up / decay schedule over totalSteps steps. initDir stays in
    /// use until the trainer is destroyed (saving copies the tokenizer files from it).
    static Result<std::unique_ptr<TranslationTrainer>> create(const Seq2SeqConfig& config, const Files& tokenizer,
                                                              const std::string& initDir,
                                                              const TranslationTrainParams& params,
                                                              int64_t totalSteps);
    ~TranslationTrainer();

    /// One optimiser step on the pairs at these indices (teacher forcing, label-smoothed
    /// cross-entropy averaged over target tokens); returns that loss.
    Result<double> step(const std::vector<TranslationPair>& pairs, const std::vector<size_t>& indices);
    /// The model being trained: decode or score with it between steps (its weights change).
    std::shared_ptr<const Seq2SeqModel> model() const;
    /// Writes the Hugging Face folder (F32, or F16 weights with f16).
    Result<bool> save(const std::string& dir, bool f16) const;

    int64_t stepsDone() const;
    double learningRate() const; // of the next step
    int64_t parameterCount() const;

private:
    explicit TranslationTrainer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace headscope::core
