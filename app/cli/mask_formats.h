#pragma once
// Mask files by format name, for --mask-format/--from/--to (the formats live in core/mask).
#include "mask/mask_file.h"

#include <string>

namespace headscope::cli {

/// Reads a mask file; format "" = from the file name and content (core::readMaskFile).
core::MaskSet readMaskAs(const std::string& path, const std::string& format, int nLayers, int nHeads);
/// Writes a mask file; format "" = from the file name.
void writeMaskAs(const std::string& path, const core::MaskSet& set, const std::string& format);

} // namespace headscope::cli
