#pragma once
// What a result file says about the dataset it was computed on, without its rows.
#include "data/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::core {

struct DatasetSummary
{
    std::string path;
    DatasetFormat format = DatasetFormat::Tsv;
    int64_t n = 0;         // examples loaded
    int64_t nLabelled = 0; // examples with a known label
    bool pairs = false;
    std::string textColumn, textBColumn, labelColumn; // resolved columns ("" when none)
    int64_t skippedLines = 0;
    std::vector<DatasetWarning> warnings; // the first kMaxWarnings skipped lines

    static constexpr size_t kMaxWarnings = 20;
};

DatasetSummary summarizeDataset(const Dataset& dataset);

} // namespace headscope::core
