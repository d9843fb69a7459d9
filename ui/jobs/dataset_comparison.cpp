#include "jobs/dataset_comparison.h"

#include "jobs/analysis_results.h"
#include "metrics/statistics.h"
#include "model/encoder_model.h"

#include <algorithm>
#include <cmath>

namespace headscope::ui::comparison {

core::EncodedDataset loadSecondDataset(const core::EncoderModel& model, const std::string& path,
                                       core::DatasetOptions options, int64_t* nExamples)
{
    options.format = core::DatasetFormat::Auto;
    auto ds = core::loadDataset(path, options, &model.config().label2id);
    if (!ds) throw core::ErrorException(ds.error());
    *nExamples = int64_t(ds->examples.size());
    const int maxLength =
        std::min(model.config().maxPositionEmbeddings, model.tokenizer().options().modelMaxLength);
    return core::encodeDataset(model.tokenizer(), ds.value(), maxLength);
}

void correlate(const core::EncoderModel& model, CompareResults& out)
{
    std::vector<double> x, y;
    for (int l = 0; l < model.nLayers(); ++l)
        for (int h = 0; h < model.nHeads(); ++h) {
            if (!model.hasHead(l, h) || size_t(l) >= out.a.size() || size_t(l) >= out.b.size() ||
                size_t(h) >= out.a[size_t(l)].size() || size_t(h) >= out.b[size_t(l)].size())
                continue;
            const double va = out.a[size_t(l)][size_t(h)], vb = out.b[size_t(l)][size_t(h)];
            if (std::isfinite(va) && std::isfinite(vb)) {
                x.push_back(va);
                y.push_back(vb);
            }
        }
    out.nHeads = int(x.size());
    out.pearson = core::pearson(x, y);
    out.spearman = core::spearman(x, y);
}

} // namespace headscope::ui::comparison
