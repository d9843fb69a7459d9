#include "analysis/dataset_loader.h"

#include "model/encoder_model.h"

#include <algorithm>

namespace headscope::core {

int defaultMaxLength(const EncoderModel& model)
{
    return std::min(model.config().maxPositionEmbeddings, model.tokenizer().options().modelMaxLength);
}

Result<LoadedDataset> loadEncodedDataset(const std::string& path, const DatasetOptions& options,
                                         const EncoderModel& model, int maxLength)
{
    auto rows = loadDataset(path, options, &model.config().label2id);
    if (!rows)
        return rows.error();
    LoadedDataset out;
    out.dataset = std::move(rows).value();
    out.encoded = encodeDataset(model.tokenizer(), out.dataset, maxLength);
    for (const auto& ex : out.encoded.examples)
        out.nLabelled += ex.label >= 0 ? 1 : 0;
    return out;
}

} // namespace headscope::core
