#pragma once
// Reading a dataset file and tokenising it for a model in one step: what the CLI, the GUI's
// second dataset (Compare page) and the bench programs all start from.
//
//   auto data = loadEncodedDataset("dev.tsv", options, model, defaultMaxLength(model));
//   evaluate(model, data->encoded, params);
#include "analysis/encoded_dataset.h"
#include "data/dataset.h"
#include "util/result.h"

#include <cstdint>
#include <string>

namespace headscope::core {

class EncoderModel;

struct LoadedDataset
{
    Dataset dataset;        // the rows as read (text, labels, warnings)
    EncodedDataset encoded; // tokenised for the model
    int64_t nLabelled = 0;  // examples with a known label
};

/// min(max_position_embeddings, the tokenizer's model_max_length).
int defaultMaxLength(const EncoderModel& model);

/// Reads path (labels mapped through the model's label2id) and tokenises it to maxLength.
Result<LoadedDataset> loadEncodedDataset(const std::string& path, const DatasetOptions& options,
                                         const EncoderModel& model, int maxLength);

} // namespace headscope::core
