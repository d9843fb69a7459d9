#pragma once
// The whole training run of a sequence classifier: epochs over shuffled batches, dev accuracy
// after each epoch, a Hugging Face checkpoint per epoch, the final model and a JSON log.
//
//   ClassifierTrainingJob job;  // config, vocab, encoded train / dev sets, params, outDir
//   auto log = trainClassifier(job, progress, [](const EpochLog& e) { print(e); });
//
// Output folder:
//   checkpoints/epoch-01/ ... epoch-NN/   config.json, model.safetensors (F16 by default), vocab.txt, tokenizer_config.json
//   model/                                the final weights (F32)
//   training_log.json                     trainingLogToJson(log)
#include "analysis/encoded_dataset.h"
#include "io/model_config.h"
#include "train/train_params.h"
#include "util/result.h"

#include <functional>
#include <string>
#include <vector>

namespace headscope::core {

struct NamedEncodedDataset
{
    std::string name; // "dev_matched"
    std::string path; // the file it came from, for the log
    EncodedDataset data;
};

struct DevScore
{
    std::string name;
    int64_t n = 0;
    int64_t nCorrect = 0;
    double accuracy = 0.0;
    double meanLoss = 0.0;
};

struct EpochLog
{
    int epoch = 0;                // 1-based
    double trainLoss = 0.0;       // mean over the epoch's batches
    double learningRateEnd = 0.0; // rate of the last step
    double elapsedSeconds = 0.0;  // wall time since the start of training
    std::vector<DevScore> dev;
    std::string checkpointDir;
};

struct ClassifierTrainingJob
{
    std::string task;                 // free text for the log ("demo-nli")
    ModelConfig config;               // shape, labels, vocab size
    std::vector<std::string> vocab;   // vocab.txt of every written model
    EncodedDataset train;
    std::string trainPath;
    std::vector<NamedEncodedDataset> dev;
    ClassifierTrainParams params;
    std::string outDir;
    bool f16Checkpoints = true;
};

struct TrainingLog
{
    std::string task;
    ModelConfig config;
    ClassifierTrainParams params;
    std::string trainPath;
    std::vector<std::string> devPaths;
    int64_t nTrain = 0;
    int64_t nSteps = 0;
    int64_t parameterCount = 0;
    std::vector<EpochLog> epochs;
    double wallSeconds = 0.0;
    double cpuSeconds = 0.0; // user + system time of the process during training
    std::string finalModelDir;
};

using EpochCallback = std::function<void(const EpochLog&)>;

/// Trains; progress counts optimiser steps (returning false cancels with ErrorCode::Cancelled).
Result<TrainingLog> trainClassifier(const ClassifierTrainingJob& job, const Progress& progress = {},
                                    const EpochCallback& epochDone = {});
/// Accuracy and mean cross-entropy of logits against the dataset's labels.
DevScore scoreLogits(const std::string& name, const EncodedDataset& data,
                     const std::vector<std::vector<float>>& logits);
/// The log as a JSON document ("format": "headscope-training-log", "version": 1).
std::string trainingLogToJson(const TrainingLog& log);

} // namespace headscope::core
