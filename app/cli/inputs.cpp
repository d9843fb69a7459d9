#include "inputs.h"

#include "cli_error.h"
#include "demo/demo_location.h"
#include "interrupt.h"
#include "mask/mask_file.h"
#include "model/encoder_model.h"
#include "text_table.h"

#include <algorithm>
#include <cstdio>

namespace headscope::cli {

namespace {

constexpr size_t kMaxWarningsOnStderr = 5;

} // namespace

core::LoadOptions loadOptionsFor(const CommonOptions& options)
{
    core::LoadOptions load;
    load.device = options.device;
    load.nThreads = options.threads;
    if (!core::parsePrecision(options.precision, load.precision))
        throw badArgument("--precision: unknown precision \"" + options.precision + "\"");
    if (load.device.rfind("cuda", 0) == 0 && !core::cudaAvailable())
        throw badArgument("--device " + load.device + ": this LibTorch build has no usable CUDA device");
    return load;
}

ModelPtr loadModel(const std::string& dir, const CommonOptions& options)
{
    const core::LoadOptions load = loadOptionsFor(options);
    auto model = unwrap(core::EncoderModel::load(core::resolveDemoModel(dir, core::executableDirectory()), load));
    throwIfInterrupted();
    return model;
}

int resolveMaxLength(const core::EncoderModel& model, const CommonOptions& options)
{
    const int limit = core::defaultMaxLength(model);
    if (options.maxLength <= 0) return limit;
    if (options.maxLength > model.config().maxPositionEmbeddings)
        throw badArgument("--max-length " + std::to_string(options.maxLength) + " exceeds the model's " +
                          std::to_string(model.config().maxPositionEmbeddings) + " positions");
    if (options.maxLength < 2)
        throw badArgument("--max-length must leave room for [CLS] and [SEP] (at least 2)");
    return options.maxLength;
}

LoadedData loadData(const std::string& path, const DataOptions& options, const core::EncoderModel& model,
                    int maxLength)
{
    const std::string file = core::resolveDemoData(path, core::executableDirectory());
    LoadedData data = unwrap(core::loadEncodedDataset(file, options.toCore(), model, maxLength));
    throwIfInterrupted();
    return data;
}

core::HeadMask loadMask(const std::string& path, const core::EncoderModel& model)
{
    const core::MaskSet set = unwrap(core::readMaskFile(path, model.nLayers(), model.nHeads()));
    core::HeadMask mask =
        unwrap(set.maskFor(core::AttentionType::EncoderSelf, model.nLayers(), model.nHeads()));
    for (int l = 0; l < mask.nLayers(); ++l) {
        for (int h = 0; h < mask.nHeads(); ++h) {
            if (!model.hasHead(l, h)) mask.setKept(l, h, true);
        }
    }
    return mask;
}

core::HeadMask effectiveMask(const core::EncoderModel& model, const core::HeadMask& requested)
{
    core::HeadMask mask = model.fullMask();
    if (requested.empty()) return mask;
    for (int l = 0; l < mask.nLayers(); ++l) {
        for (int h = 0; h < mask.nHeads(); ++h) {
            if (!requested.isKept(l, h)) mask.setKept(l, h, false);
        }
    }
    return mask;
}

int countActiveHeads(const core::EncoderModel& model, const core::HeadMask& mask)
{
    int n = 0;
    for (int l = 0; l < model.nLayers(); ++l) {
        for (int h = 0; h < model.nHeads(); ++h)
            n += model.hasHead(l, h) && (mask.empty() || mask.isKept(l, h)) ? 1 : 0;
    }
    return n;
}

Json dataJson(const LoadedData& data)
{
    return core::report::dataJson(core::summarizeDataset(data.dataset));
}

core::HeadMask reportedMask(const core::EncoderModel& model, const core::HeadMask& requested)
{
    return requested.empty() ? core::HeadMask(model.nLayers(), model.nHeads()) : requested;
}

void printModelSummary(const core::EncoderModel& model)
{
    std::fprintf(stderr, "model    %s (%s, %d layers x %d heads, %d heads present, %s parameters, %s, %s)\n",
                 model.directory().c_str(), model.config().modelType.c_str(), model.nLayers(), model.nHeads(),
                 countActiveHeads(model, {}), formatCount(model.parameterCount()).c_str(),
                 model.deviceName().c_str(), core::precisionName(model.precision()));
}

void printDataSummary(const LoadedData& data, const char* label)
{
    const core::Dataset& ds = data.dataset;
    std::fprintf(stderr, "%-8s %s: %zu examples%s, %lld labelled, %lld lines skipped\n", label,
                 ds.path.c_str(), ds.examples.size(), ds.hasPairs() ? " (pairs)" : "",
                 static_cast<long long>(data.nLabelled), static_cast<long long>(ds.skippedLines));
    for (size_t i = 0; i < ds.warnings.size() && i < kMaxWarningsOnStderr; ++i)
        std::fprintf(stderr, "warning: %s:%lld: %s\n", ds.path.c_str(),
                     static_cast<long long>(ds.warnings[i].line), ds.warnings[i].message.c_str());
    if (ds.warnings.size() > kMaxWarningsOnStderr)
        std::fprintf(stderr, "warning: %zu more malformed lines in %s\n",
                     ds.warnings.size() - kMaxWarningsOnStderr, ds.path.c_str());
}

CommandInputs loadCommandInputs(const std::string& modelDir, const std::string& dataPath,
                                const std::string& maskPath, const DataOptions& dataOptions,
                                const CommonOptions& common)
{
    CommandInputs in;
    in.model = loadModel(modelDir, common);
    in.maxLength = resolveMaxLength(*in.model, common);
    if (!maskPath.empty())
        in.requested = loadMask(maskPath, *in.model);
    in.data = loadData(dataPath, dataOptions, *in.model, in.maxLength);
    printModelSummary(*in.model);
    printDataSummary(in.data);
    return in;
}

} // namespace headscope::cli
