#include "metrics/reference_streams.h"

namespace headscope::core {

std::optional<Error> checkReferenceStreams(const std::string& metric, size_t nHypotheses,
                                           const std::vector<std::vector<std::string>>& refStreams)
{
    if (refStreams.empty())
        return Error{ErrorCode::InvalidArgument, metric + " needs at least one reference stream", {}, {}};
    for (size_t k = 0; k < refStreams.size(); ++k)
        if (refStreams[k].size() != nHypotheses)
            return Error{ErrorCode::InvalidArgument,
                         "reference stream " + std::to_string(k + 1) + " has " + std::to_string(refStreams[k].size()) +
                             " lines but there are " + std::to_string(nHypotheses) + " hypotheses",
                         {}, {}};
    return std::nullopt;
}

} // namespace headscope::core
