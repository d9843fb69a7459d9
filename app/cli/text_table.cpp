#include "text_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace headscope::cli {

std::string formatCount(int64_t n)
{
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string formatNumber(double v, int decimals)
{
    if (!std::isfinite(v)) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void printMatrix(const std::string& title, const core::Matrix& m, int decimals,
                 const std::vector<std::vector<bool>>* marks)
{
    std::vector<std::vector<std::string>> rows;
    size_t nHeads = 0;
    for (const auto& r : m)
        nHeads = std::max(nHeads, r.size());
    std::vector<std::string> header{"layer"};
    for (size_t h = 0; h < nHeads; ++h)
        header.push_back("h" + std::to_string(h));
    rows.push_back(header);
    for (size_t l = 0; l < m.size(); ++l) {
        std::vector<std::string> row{std::to_string(l)};
        for (size_t h = 0; h < m[l].size(); ++h) {
            std::string cell = formatNumber(m[l][h], decimals);
            if (marks && l < marks->size() && h < (*marks)[l].size()) cell += (*marks)[l][h] ? "*" : " ";
            row.push_back(cell);
        }
        rows.push_back(row);
    }
    std::fprintf(stderr, "%s\n", title.c_str());
    printTable(rows);
}

void printTable(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& leftAligned)
{
    std::vector<size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (size_t c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], row[c].size());
    }
    for (const auto& row : rows) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) {
            if (c > 0) line += "  ";
            const std::string pad(widths[c] - row[c].size(), ' ');
            const bool left = c == 0 || (c < leftAligned.size() && leftAligned[c]);
            line += left ? row[c] + pad : pad + row[c];
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        std::fprintf(stderr, "  %s\n", line.c_str());
    }
}

} // namespace headscope::cli
