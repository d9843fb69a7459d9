#pragma once
// One tokenised example for the reference encoder.
#include <cstdint>
#include <vector>

namespace headscope::testing {

/// One example without padding; empty typeIds means all zero.
struct ReferenceInput
{
    std::vector<int64_t> ids;
    std::vector<int64_t> typeIds;
};

} // namespace headscope::testing
