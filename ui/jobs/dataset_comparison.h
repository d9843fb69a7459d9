#pragma once
// The two halves of the cross-dataset comparison that are not analyses: reading the second
// dataset like the first, and correlating per-head values. Called on the worker thread.
#include "analysis/encoded_dataset.h"
#include "data/dataset.h"

#include <string>

namespace headscope::core {
class EncoderModel;
}

namespace headscope::ui {

struct CompareResults;

namespace comparison {

/// Reads path with the first dataset's column options (format from the extension) and encodes
/// it for the model; sets *nExamples. Throws core::ErrorException naming the file.
core::EncodedDataset loadSecondDataset(const core::EncoderModel& model, const std::string& path,
                                       core::DatasetOptions options, int64_t* nExamples);

/// Fills out.pearson, out.spearman and out.nHeads from out.a and out.b over the heads present
/// in the model with finite values on both sides.
void correlate(const core::EncoderModel& model, CompareResults& out);

} // namespace comparison
} // namespace headscope::ui
