#pragma once
// Loading what the subcommands work on (model, dataset, mask) and describing it in JSON and on
// stderr. Errors propagate as core::ErrorException (exit code from the error's kind).
#include "analysis/dataset_loader.h"
#include "cli_options.h"
#include "json_output.h"
#include "mask/head_mask.h"
#include "report/result_json.h"

#include <memory>
#include <string>

namespace headscope::core {
class EncoderModel;
struct LoadOptions;
}

namespace headscope::cli {

using ModelPtr = std::shared_ptr<const core::EncoderModel>;
using LoadedData = core::LoadedDataset;

// The JSON blocks every subcommand shares come from core/report.
using core::report::accuracyJson;
using core::report::descriptorOf;
using core::report::maskJson;
using core::report::modelJson;

/// Device, precision and threads from the options; a bad precision or an unusable CUDA device
/// is a CliError (exit 2).
core::LoadOptions loadOptionsFor(const CommonOptions& options);
/// Loads a Hugging Face model folder on the requested device and precision.
ModelPtr loadModel(const std::string& dir, const CommonOptions& options);
/// --max-length, or min(max_position_embeddings, tokenizer model_max_length).
int resolveMaxLength(const core::EncoderModel& model, const CommonOptions& options);
/// Loads and tokenises a dataset (labels mapped through the model's label2id).
LoadedData loadData(const std::string& path, const DataOptions& options, const core::EncoderModel& model,
                    int maxLength);
/// What eval, importance, ablate and attention start from: the model, the resolved max length,
/// the requested mask (empty without --mask) and the tokenised data; summaries go to stderr.
struct CommandInputs
{
    ModelPtr model;
    int maxLength = 0;
    core::HeadMask requested;
    LoadedData data;
};
CommandInputs loadCommandInputs(const std::string& modelDir, const std::string& dataPath,
                                const std::string& maskPath, const DataOptions& dataOptions,
                                const CommonOptions& common);
/// Reads a mask file in any format for the model's shape. Heads the model no longer has are
/// reported as kept; use effectiveMask() for what the core should run with.
core::HeadMask loadMask(const std::string& path, const core::EncoderModel& model);
/// requested AND the heads present in the model.
core::HeadMask effectiveMask(const core::EncoderModel& model, const core::HeadMask& requested);
/// Heads present in the model and kept in mask (mask may be empty: all present heads).
int countActiveHeads(const core::EncoderModel& model, const core::HeadMask& mask);

/// The dataset block of the envelope (report::dataJson of its summary).
Json dataJson(const LoadedData& data);
/// requested, or every head kept when no --mask was given: the mask the JSON reports.
core::HeadMask reportedMask(const core::EncoderModel& model, const core::HeadMask& requested);

/// One line each on stderr.
void printModelSummary(const core::EncoderModel& model);
void printDataSummary(const LoadedData& data, const char* label = "data");

} // namespace headscope::cli
