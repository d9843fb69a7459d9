#pragma once
// What `headscope-cli info` says about a translation model (model_type marian): the config and
// generation settings HeadScope uses, the heads per attention type, the weights and the
// SentencePiece/vocabulary files. JSON into doc, a readable summary on stderr.
#include "cli_options.h"
#include "json_output.h"

#include <string>

namespace headscope::cli {

void describeTranslationModel(Json& doc, const std::string& modelDir, const CommonOptions& common);

} // namespace headscope::cli
