#pragma once
// Loading what the subcommands work on for translation models (model_type marian): the model,
// the test set (--src, --ref) and the masks of the three attention types.
#include "analysis/head_matrices.h"
#include "analysis/translation_set.h"
#include "cli_options.h"
#include "json_output.h"
#include "mask/seq2seq_masks.h"
#include "model/seq2seq_inference.h"

#include <memory>
#include <string>

namespace headscope::core {
class Seq2SeqModel;
}

namespace headscope::cli {

using Seq2SeqModelPtr = std::shared_ptr<const core::Seq2SeqModel>;

/// True when dir/config.json names a translation model type (an unreadable config is left to
/// the loader to report).
bool isTranslationModel(const std::string& dir);
/// Refuses the wrong kind of data for the model: --src/--ref for a classifier, --data for a
/// translation model, neither given (CliError, exit 2). requireReference: --ref is needed too.
void checkDataArguments(const std::string& modelDir, bool translation, const std::string& dataPath,
                        const TranslationOptions& options, bool requireReference);

Seq2SeqModelPtr loadSeq2SeqModel(const std::string& dir, const CommonOptions& options);
/// Reads a mask file in any format (JSON and descriptors hold all three types; HF, CSV and
/// npy encoder self-attention only) and keeps only heads the model has.
core::Seq2SeqMasks loadSeq2SeqMasks(const std::string& path, const core::Seq2SeqModel& model);

struct TranslationInputs
{
    Seq2SeqModelPtr model;
    core::TranslationSet set;
    core::Seq2SeqMasks masks;  // effective: every type filled in, absent heads masked
    bool maskGiven = false;
};
/// Model, test set (limit: the first N lines, 0 = all) and mask; summaries go to stderr.
TranslationInputs loadTranslationInputs(const std::string& modelDir, const TranslationOptions& options,
                                        const std::string& maskPath, int64_t limit, const CommonOptions& common);
/// Beam from --beam, max length from --max-length, batch size from --batch-size.
core::DecodeParams decodeParams(const TranslationOptions& options, const CommonOptions& common);

/// Prints one [layer][head] grid per attention type.
void printHeadMatrices(const std::string& title, const core::HeadMatrices& m, int decimals);
void printSeq2SeqModelSummary(const core::Seq2SeqModel& model);

} // namespace headscope::cli
