#pragma once
// Mask files by format name, including "paper": the descriptors of Michel et al.'s code, which
// number layers and heads from 1 ("1:1,2 4:3"), where HeadScope's descriptors count from 0.
#include "mask/mask_file.h"

#include <string>
#include <vector>

namespace headscope::cli {

/// "json", "hf", "descriptor", "paper", "csv", "npy".
const std::vector<std::string>& maskFormatNames();

/// Adds delta to every layer and head number of a descriptor ("0:1,5 3:0" -> "1:2,6 4:1" for +1),
/// keeping translation prefixes (E:/A:/D:). Throws ErrorException (InvalidFile) on bad syntax
/// or a number that would go below 0.
std::string shiftDescriptor(const std::string& text, int delta, const std::string& pathForErrors);

/// Reads a mask file; format "" = from the file name and content (core::readMaskFile).
core::MaskSet readMaskAs(const std::string& path, const std::string& format, int nLayers, int nHeads);
/// Writes a mask file; format "" = from the file name.
void writeMaskAs(const std::string& path, const core::MaskSet& set, const std::string& format);

} // namespace headscope::cli
