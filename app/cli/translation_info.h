#pragma once
// What `headscope-cli info` says about a translation model (model_type marian): the config and
// generation settings HeadScope uses, the heads per attention type, the weights and the
// SentencePiece/vocabulary files. JSON into doc, a readable summary on stderr.
#include "cli_options.h"
#include "json_output.h"

#include <string>

namespace headscope::cli {

void describeTranslationModel(Json& doc, const std::string& modelDir, const CommonOptions& common);

/// info's "runtime" block (device, precision, threads, CUDA) and its "device" line on stderr,
/// the same for both kinds of model.
void describeRuntime(Json& doc, const std::string& deviceName, const char* precisionName);

} // namespace headscope::cli
