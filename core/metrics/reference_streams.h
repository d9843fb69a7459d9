#pragma once
// The check every corpus metric makes of its reference streams before scoring.
#include "util/error.h"

#include <optional>
#include <string>
#include <vector>

namespace headscope::core {

/// An InvalidArgument error when there is no stream or a stream's line count differs from the
/// hypotheses'; nullopt when they fit. metric names the score in the message ("BLEU", "chrF").
std::optional<Error> checkReferenceStreams(const std::string& metric, size_t nHypotheses,
                                           const std::vector<std::vector<std::string>>& refStreams);

} // namespace headscope::core
