#pragma once
// Human-readable summaries on stderr: [layer][head] grids and simple aligned tables.
#include "analysis/importance.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::cli {

/// 159106 -> "159,106".
std::string formatCount(int64_t n);
/// printf-style "%.*f"; NaN as "-".
std::string formatNumber(double v, int decimals);

/// Prints a [layer][head] grid with a title line; marks[l][h] appends '*' (e.g. significant).
void printMatrix(const std::string& title, const core::Matrix& m, int decimals,
                 const std::vector<std::vector<bool>>* marks = nullptr);

/// Prints rows of cells with columns padded to their widest cell; the first row is the header.
/// Numbers are right-aligned; the first column and those with leftAligned[c] set left-aligned.
void printTable(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& leftAligned = {});

} // namespace headscope::cli
