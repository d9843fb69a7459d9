#include "data/dataset_summary.h"

namespace headscope::core {

DatasetSummary summarizeDataset(const Dataset& dataset)
{
    DatasetSummary s;
    s.path = dataset.path;
    s.format = dataset.format;
    s.n = int64_t(dataset.examples.size());
    for (const auto& ex : dataset.examples)
        s.nLabelled += ex.label >= 0 ? 1 : 0;
    s.pairs = dataset.hasPairs();
    s.textColumn = dataset.textColumn;
    s.textBColumn = dataset.textBColumn;
    s.labelColumn = dataset.labelColumn;
    s.skippedLines = dataset.skippedLines;
    for (size_t i = 0; i < dataset.warnings.size() && i < DatasetSummary::kMaxWarnings; ++i)
        s.warnings.push_back(dataset.warnings[i]);
    return s;
}

} // namespace headscope::core
