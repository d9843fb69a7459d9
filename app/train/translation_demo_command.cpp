#include "translation_demo_command.h"

#include "terminal_progress.h"

#include "analysis/translation_eval.h"
#include "analysis/translation_set.h"
#include "demo/demo_random.h"
#include "model/seq2seq_model.h"
#include "train/marian_tokenizer_files.h"
#include "util/atomic_file.h"
#include "util/error.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

namespace headscope::train {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace {

template <typename T>
T check(core::Result<T> r)
{
    if (!r)
        throw core::ErrorException(r.error());
    return std::move(r).value();
}

void writeText(const fs::path& path, const std::string& text)
{
    check(core::writeFileAtomically(path.string(), text));
}

void copyText(const fs::path& from, const fs::path& to)
{
    std::ifstream in(from, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in)
        throw core::ErrorException(core::Error{core::ErrorCode::FileNotFound, "cannot read the file", from.string(), {}});
    writeText(to, text.str());
}

double cpuSeconds()
{
    return double(std::clock()) / CLOCKS_PER_SEC;
}

core::Seq2SeqConfig demoConfig(const TranslationDemoOptions& o, int vocabSize)
{
    core::Seq2SeqConfig c;
    c.modelType = "marian";
    c.dModel = o.dModel;
    c.encoderLayers = c.decoderLayers = o.layers;
    c.encoderHeads = c.decoderHeads = o.heads;
    c.encoderFfnDim = c.decoderFfnDim = o.ffn;
    c.activation = core::FfnActivation::Swish;
    c.scaleEmbedding = true;
    c.maxPositionEmbeddings = o.maxPositions;
    c.vocabSize = c.decoderVocabSize = vocabSize;
    c.shareEncoderDecoderEmbeddings = true;
    const int64_t pad = vocabSize - 1;
    c.generation.decoderStartTokenId = pad;
    c.generation.padTokenId = pad;
    c.generation.eosTokenId = 0;
    c.generation.forcedEosTokenId = 0;
    c.generation.maxLength = o.maxLength;
    c.generation.numBeams = 1;
    c.generation.badWordsIds = {{pad}};
    // The fields HF's MarianConfig writes that HeadScope does not model itself.
    c.sourceJson = json{{"architectures", {"MarianMTModel"}},
                        {"is_encoder_decoder", true},
                        {"share_encoder_decoder_embeddings", true},
                        {"static_position_embeddings", true},
                        {"normalize_before", false},
                        {"normalize_embedding", false},
                        {"add_final_layer_norm", false},
                        {"dropout", 0.0},
                        {"attention_dropout", 0.0},
                        {"activation_dropout", 0.0},
                        {"bos_token_id", 0},
                        {"torch_dtype", "float32"},
                        {"use_cache", true}}
                       .dump();
    return c;
}

std::vector<core::TranslationPair> encodePairs(const core::Seq2SeqModel& model,
                                               const std::vector<core::ParallelSentence>& sentences)
{
    std::vector<core::TranslationPair> pairs;
    pairs.reserve(sentences.size());
    for (const auto& s : sentences)
        pairs.push_back({model.tokenizer().encodeSource(s.source), model.tokenizer().encodeTarget(s.target)});
    return pairs;
}

core::TranslationEvalResult evaluate(const core::Seq2SeqModel& model, const fs::path& src, const fs::path& ref)
{
    const auto set = check(core::loadTranslationSet(model, src.string(), ref.string()));
    core::TranslationEvalParams params;
    params.decode.batchSize = 64;
    params.computeChrf = true;
    return check(core::evaluateTranslation(model, set, params));
}

} // namespace

void addTranslationDemoOptions(CLI::App& cmd, TranslationDemoOptions& o)
{
    auto& p = o.params;
    cmd.add_option("--out", o.outDir, "demo folder: model, checkpoints, data, training_log.json, manifest.json")
        ->capture_default_str();
    cmd.add_option("--data-seed", o.data.seed, "seed of the generated corpus")->capture_default_str();
    cmd.add_option("--train", o.data.nTrain, "training pairs")->capture_default_str()->check(CLI::Range(1, 10000000));
    cmd.add_option("--layers", o.layers, "encoder and decoder layers (each)")->capture_default_str()->check(CLI::Range(1, 48));
    cmd.add_option("--heads", o.heads, "heads per attention block")->capture_default_str()->check(CLI::Range(1, 64));
    cmd.add_option("--d-model", o.dModel, "model width")->capture_default_str()->check(CLI::Range(8, 4096));
    cmd.add_option("--ffn", o.ffn, "feed-forward size")->capture_default_str()->check(CLI::Range(8, 16384));
    cmd.add_option("--vocab-size", o.vocabSize, "pieces per SentencePiece model (soft limit)")
        ->capture_default_str()
        ->check(CLI::Range(20, 100000));
    cmd.add_option("--epochs", p.nEpochs, "epochs")->capture_default_str()->check(CLI::Range(1, 1000));
    cmd.add_option("--batch-size", p.batchSize, "sentence pairs per step")->capture_default_str()->check(CLI::Range(1, 100000));
    cmd.add_option("--lr", p.optimizer.learningRate, "peak learning rate")->capture_default_str();
    cmd.add_option("--warmup", p.optimizer.warmupFraction, "warm-up fraction")->capture_default_str();
    cmd.add_option("--label-smoothing", p.labelSmoothing, "label smoothing")->capture_default_str();
    cmd.add_option("--init-std", p.initStd, "standard deviation of the initial weights (0: 1/sqrt(d_model))")
        ->capture_default_str();
    cmd.add_option("--seed", p.seed, "training seed (weights, order of the pairs, tokenizer)")->capture_default_str();
    cmd.add_option("--threads", p.nThreads, "LibTorch threads")->capture_default_str();
    cmd.add_flag("--keep-train", o.keepTrain, "keep data/train.src and data/train.tgt");
}

void runTranslationDemo(TranslationDemoOptions o, const std::string& commandLine)
{
    const auto wallStart = std::chrono::steady_clock::now();
    const double cpuStart = cpuSeconds();
    const fs::path out(o.outDir);
    const fs::path data = out / "data";
    const fs::path work = out / ".work";
    std::error_code ec;
    // A previous run's checkpoints of other epochs must not survive into the new series.
    fs::remove_all(out / "checkpoints", ec);
    fs::remove_all(work, ec);
    fs::create_directories(data);
    fs::create_directories(work);
    TerminalProgress progress;

    // 1. The corpus (train in the work folder unless kept; dev and tests shipped).
    const auto corpus = core::generateTranslationCorpus(o.data);
    check(core::writeTranslationCorpus((work / "corpus").string(), corpus));
    for (const char* name : {"dev.src", "dev.tgt", "test.src", "test.tgt", "test_ood.src", "test_ood.tgt"})
        copyText(work / "corpus" / name, data / name);
    if (o.keepTrain)
        for (const char* name : {"train.src", "train.tgt"})
            copyText(work / "corpus" / name, data / name);
    else
        for (const char* name : {"train.src", "train.tgt"})
            fs::remove(data / name, ec);

    // 2. SentencePiece models, one per language, and Marian's joint vocab.json.
    core::MarianTokenizerParams tokenizerParams;
    const char* spmTrain = std::getenv("HEADSCOPE_SPM_TRAIN");
    tokenizerParams.spmTrainProgram = spmTrain && *spmTrain ? spmTrain : HEADSCOPE_SPM_TRAIN;
    tokenizerParams.vocabSize = o.vocabSize;
    tokenizerParams.seed = o.params.seed;
    tokenizerParams.maxPositions = o.maxPositions;
    tokenizerParams.maxLength = o.maxLength;
    tokenizerParams.sourceLanguage = "en";
    tokenizerParams.targetLanguage = "demo";
    const auto tokenizer = check(core::trainMarianTokenizer((work / "corpus" / "train.src").string(),
                                                            (work / "corpus" / "train.tgt").string(),
                                                            (work / "tokenizer").string(), tokenizerParams));
    const int vocabSize = tokenizer.vocabSize;
    const core::Seq2SeqConfig config = demoConfig(o, vocabSize);
    const core::TranslationTrainer::Files& tokenizerFiles = tokenizer.files;
    progress.line("tokenizer: " + std::to_string(tokenizer.sourcePieces) + " source and " +
                  std::to_string(tokenizer.targetPieces) + " target pieces, vocabulary " + std::to_string(vocabSize));

    // 3. Training.
    auto& p = o.params;
    const int64_t stepsPerEpoch = (int64_t(corpus.train.size()) + p.batchSize - 1) / p.batchSize;
    auto trainer = check(core::TranslationTrainer::create(config, tokenizerFiles, (work / "init").string(), p,
                                                          stepsPerEpoch * p.nEpochs));
    const auto model = trainer->model();
    const auto pairs = encodePairs(*model, corpus.train);
    progress.line("model: " + std::to_string(o.layers) + "+" + std::to_string(o.layers) + " layers x " +
                  std::to_string(o.heads) + " heads, d_model " + std::to_string(o.dModel) + ", " +
                  std::to_string(trainer->parameterCount()) + " parameters; " + std::to_string(pairs.size()) +
                  " training pairs, " + std::to_string(stepsPerEpoch) + " steps per epoch");

    core::DemoRandom rng(p.seed);
    std::vector<size_t> order(pairs.size());
    std::iota(order.begin(), order.end(), size_t(0));
    json epochs = json::array();
    for (int epoch = 1; epoch <= p.nEpochs; ++epoch) {
        const auto epochStart = std::chrono::steady_clock::now();
        rng.shuffle(order);
        double lossSum = 0.0;
        for (int64_t s = 0; s < stepsPerEpoch; ++s) {
            const size_t begin = size_t(s * p.batchSize);
            const size_t end = std::min(order.size(), begin + size_t(p.batchSize));
            const std::vector<size_t> batch(order.begin() + long(begin), order.begin() + long(end));
            const double loss = check(trainer->step(pairs, batch));
            lossSum += loss;
            char note[64];
            std::snprintf(note, sizeof note, "epoch %d, loss %.3f", epoch, lossSum / double(s + 1));
            progress.update(s + 1, stepsPerEpoch, note);
        }
        const double trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - epochStart).count();
        char name[32];
        std::snprintf(name, sizeof name, "epoch-%02d", epoch);
        check(trainer->save((out / "checkpoints" / name).string(), true));
        const auto dev = evaluate(*model, data / "dev.src", data / "dev.tgt");
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
        char line[200];
        std::snprintf(line, sizeof line, "epoch %d: loss %.4f, dev BLEU %.2f, chrF %.2f (%.0f s training, %.0f s total)",
                      epoch, lossSum / double(stepsPerEpoch), dev.bleu.score, dev.chrf.value_or(0.0), trainSeconds,
                      elapsed);
        progress.line(line);
        epochs.push_back({{"epoch", epoch},
                          {"train_loss", lossSum / double(stepsPerEpoch)},
                          {"dev_bleu", dev.bleu.score},
                          {"dev_chrf", dev.chrf.value_or(0.0)},
                          {"train_seconds", trainSeconds},
                          {"elapsed_seconds", elapsed},
                          {"checkpoint", std::string("checkpoints/") + name}});
    }
    check(trainer->save((out / "model").string(), false));
    const double wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    const double cpu = cpuSeconds() - cpuStart;

    // 4. The final model as users open it: loaded from disk, scored on both test sets.
    const auto final = check(core::Seq2SeqModel::load((out / "model").string()));
    const auto test = evaluate(*final, data / "test.src", data / "test.tgt");
    const auto ood = evaluate(*final, data / "test_ood.src", data / "test_ood.tgt");
    char summary[200];
    std::snprintf(summary, sizeof summary, "test BLEU %.2f, out-of-domain BLEU %.2f (%s)", test.bleu.score,
                  ood.bleu.score, core::bleuSignature(test.bleuParams, 1, HEADSCOPE_VERSION).c_str());
    progress.line(summary);

    const json settings = {{"layers", o.layers},      {"heads", o.heads},
                           {"d_model", o.dModel},     {"ffn", o.ffn},
                           {"vocab_size", vocabSize}, {"spm_vocab_size_limit", o.vocabSize},
                           {"max_positions", o.maxPositions}, {"max_length", o.maxLength},
                           {"epochs", p.nEpochs},     {"batch_size", p.batchSize},
                           {"learning_rate", p.optimizer.learningRate},
                           {"warmup_fraction", p.optimizer.warmupFraction},
                           {"weight_decay", p.optimizer.weightDecay},
                           {"label_smoothing", p.labelSmoothing},
                           {"init_std", p.initStd > 0 ? p.initStd : 1.0 / std::sqrt(double(o.dModel))},
                           {"seed", p.seed},          {"threads", p.nThreads}};
    const json log = {{"format", "headscope-training-log"},
                      {"version", 1},
                      {"task", "translation"},
                      {"settings", settings},
                      {"parameters", trainer->parameterCount()},
                      {"epochs", epochs},
                      {"wall_seconds", wallSeconds},
                      {"cpu_seconds", cpu}};
    writeText(out / "training_log.json", log.dump(2) + "\n");
    const json manifest = {
        {"format", "headscope-demo"},
        {"version", 1},
        {"task", "translation"},
        {"description",
         "English-like sentences from HeadScope's own grammar translated into an invented language that puts "
         "the verb last and adjectives after the noun, and marks gender, number and agreement (docs/demo.md). "
         "The out-of-domain test set has longer sentences: two adjectives per noun phrase and two clauses."},
        {"regenerate", commandLine},
        {"model", {{"path", "model"}, {"architecture", "MarianMTModel"}, {"parameters", trainer->parameterCount()}}},
        {"settings", settings},
        {"checkpoints", {{"path", "checkpoints"}, {"epochs", p.nEpochs}, {"dtype", "F16"}}},
        {"data",
         {{"seed", o.data.seed},
          {"train", o.data.nTrain},
          {"dev", "data/dev.src, data/dev.tgt"},
          {"test", "data/test.src, data/test.tgt"},
          {"test_ood", "data/test_ood.src, data/test_ood.tgt"},
          {"train_file_shipped", o.keepTrain}}},
        {"bleu", {{"test", test.bleu.score}, {"test_ood", ood.bleu.score}, {"dev_per_epoch", epochs}}},
        {"chrf", {{"test", test.chrf.value_or(0.0)}, {"test_ood", ood.chrf.value_or(0.0)}}},
        {"signature", core::bleuSignature(test.bleuParams, 1, HEADSCOPE_VERSION)},
        {"training", {{"wall_seconds", wallSeconds}, {"cpu_seconds", cpu}, {"log", "training_log.json"}}}};
    writeText(out / "manifest.json", manifest.dump(2) + "\n");
    trainer.reset();
    fs::remove_all(work, ec);
}

} // namespace headscope::train
