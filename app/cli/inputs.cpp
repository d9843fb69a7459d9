#include "inputs.h"

#include "cli_error.h"
#include "interrupt.h"
#include "mask/mask_file.h"
#include "model/encoder_model.h"
#include "text_table.h"

#include <algorithm>
#include <cstdio>

namespace headscope::cli {

namespace {

constexpr size_t kMaxWarningsInJson = 20;
constexpr size_t kMaxWarningsOnStderr = 5;

} // namespace

ModelPtr loadModel(const std::string& dir, const CommonOptions& options)
{
    core::LoadOptions load;
    load.device = options.device;
    load.nThreads = options.threads;
    if (!core::parsePrecision(options.precision, load.precision))
        throw badArgument("--precision: unknown precision \"" + options.precision + "\"");
    if (load.device.rfind("cuda", 0) == 0 && !core::cudaAvailable())
        throw badArgument("--device " + load.device + ": this LibTorch build has no usable CUDA device");
    auto model = unwrap(core::EncoderModel::load(dir, load));
    throwIfInterrupted();
    return model;
}

int resolveMaxLength(const core::EncoderModel& model, const CommonOptions& options)
{
    const int limit =
        std::min(model.config().maxPositionEmbeddings, model.tokenizer().options().modelMaxLength);
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
    LoadedData data;
    data.dataset = unwrap(core::loadDataset(path, options.toCore(), &model.config().label2id));
    data.encoded = core::encodeDataset(model.tokenizer(), data.dataset, maxLength);
    for (const auto& ex : data.encoded.examples)
        data.nLabelled += ex.label >= 0 ? 1 : 0;
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

Json modelJson(const core::EncoderModel& model)
{
    Json j = Json::object();
    j["path"] = model.directory();
    j["architecture"] = model.config().modelType;
    j["layers"] = model.nLayers();
    j["heads"] = model.nHeads();
    j["heads_per_layer"] = model.headsPerLayer();
    j["parameters"] = model.parameterCount();
    j["device"] = model.deviceName();
    j["precision"] = core::precisionName(model.precision());
    return j;
}

Json dataJson(const LoadedData& data)
{
    const core::Dataset& ds = data.dataset;
    Json j = Json::object();
    j["path"] = ds.path;
    j["format"] = core::datasetFormatName(ds.format);
    j["n"] = static_cast<int64_t>(ds.examples.size());
    j["n_labelled"] = data.nLabelled;
    j["pairs"] = ds.hasPairs();
    Json columns = Json::object();
    columns["text"] = ds.textColumn;
    columns["text_b"] = ds.textBColumn.empty() ? Json(nullptr) : Json(ds.textBColumn);
    columns["label"] = ds.labelColumn.empty() ? Json(nullptr) : Json(ds.labelColumn);
    j["columns"] = columns;
    j["skipped"] = ds.skippedLines;
    Json warnings = Json::array();
    for (size_t i = 0; i < ds.warnings.size() && i < kMaxWarningsInJson; ++i)
        warnings.push_back({{"line", ds.warnings[i].line}, {"message", ds.warnings[i].message}});
    j["warnings"] = warnings;
    return j;
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
