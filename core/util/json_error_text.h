#pragma once
// nlohmann::json's what() starts with an id such as "[json.exception.parse_error.101] ", which
// means nothing to a user; error messages quote what follows it.
#include <exception>
#include <string>

namespace headscope::core {

/// e.what() without a leading "[json.exception....] " id (unchanged when there is none).
std::string jsonErrorText(const std::exception& e);

} // namespace headscope::core
