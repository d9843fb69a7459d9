#include "translation_inputs.h"

#include "cli_error.h"
#include "demo/demo_location.h"
#include "inputs.h"
#include "interrupt.h"
#include "io/seq2seq_config.h"
#include "mask/seq2seq_mask_file.h"
#include "model/seq2seq_model.h"
#include "text_table.h"

#include <cstdio>

namespace headscope::cli {

bool isTranslationModel(const std::string& dir)
{
    const auto type = core::readModelType(core::resolveDemoModel(dir, core::executableDirectory()));
    return type && core::isSeq2SeqModelType(*type);
}

void checkDataArguments(const std::string& modelDir, bool translation, const std::string& dataPath,
                        const TranslationOptions& options, bool requireReference)
{
    if (!translation) {
        if (options.given())
            throw badArgument("--src/--ref are for translation models; " + modelDir +
                              " is a classification model: give --data FILE");
        if (dataPath.empty()) throw badArgument("--data FILE is required");
        return;
    }
    if (!dataPath.empty())
        throw badArgument(modelDir + " is a translation model: give --src FILE" +
                          (requireReference ? " --ref FILE" : "") + " instead of --data");
    if (options.sourcePath.empty()) throw badArgument(modelDir + " is a translation model: --src FILE is required");
    if (requireReference && options.referencePath.empty())
        throw badArgument(modelDir + " is a translation model: --ref FILE (the reference translations) is required");
}

Seq2SeqModelPtr loadSeq2SeqModel(const std::string& dir, const CommonOptions& options)
{
    const core::LoadOptions load = loadOptionsFor(options);
    auto model = unwrap(core::Seq2SeqModel::load(core::resolveDemoModel(dir, core::executableDirectory()), load));
    throwIfInterrupted();
    return model;
}

core::Seq2SeqMasks loadSeq2SeqMasks(const std::string& path, const core::Seq2SeqModel& model)
{
    return unwrap(core::readSeq2SeqMaskFile(path, model.fullMasks()));
}

TranslationInputs loadTranslationInputs(const std::string& modelDir, const TranslationOptions& options,
                                        const std::string& maskPath, int64_t limit, const CommonOptions& common)
{
    TranslationInputs in;
    in.model = loadSeq2SeqModel(modelDir, common);
    in.masks = in.model->fullMasks();
    if (!maskPath.empty()) {
        in.masks = loadSeq2SeqMasks(maskPath, *in.model);
        in.maskGiven = true;
    }
    core::TranslationSetOptions setOptions;
    setOptions.limit = limit;
    const std::string exeDir = core::executableDirectory();
    in.set = unwrap(core::loadTranslationSet(*in.model, core::resolveTranslationDemoData(options.sourcePath, false, exeDir),
                                             core::resolveTranslationDemoData(options.referencePath, true, exeDir),
                                             setOptions));
    throwIfInterrupted();
    printSeq2SeqModelSummary(*in.model);
    std::fprintf(stderr, "data     %s: %zu sentences%s%s\n", in.set.sourcePath.c_str(), in.set.size(),
                 in.set.hasReferences() ? ", references " : ", no references",
                 in.set.hasReferences() ? in.set.referencePath.c_str() : "");
    return in;
}

core::DecodeParams decodeParams(const TranslationOptions& options, const CommonOptions& common)
{
    core::DecodeParams p;
    p.beamSize = options.beamSize;
    p.maxLength = common.maxLength;
    p.batchSize = common.batchSize;
    return p;
}

void printHeadMatrices(const std::string& title, const core::HeadMatrices& m, int decimals)
{
    for (core::AttentionType t : core::kSeq2SeqAttentionTypes)
        printMatrix(title + " (" + core::attentionTypeName(t) + ", layer x head):", m.of(t), decimals);
}

void printSeq2SeqModelSummary(const core::Seq2SeqModel& model)
{
    using core::AttentionType;
    std::fprintf(stderr,
                 "model    %s (%s, %d+%d layers x %d/%d heads, %s parameters, %s, %s)\n", model.directory().c_str(),
                 model.config().modelType.c_str(), model.nLayers(AttentionType::EncoderSelf),
                 model.nLayers(AttentionType::DecoderSelf), model.nHeads(AttentionType::EncoderSelf),
                 model.nHeads(AttentionType::DecoderSelf), formatCount(model.parameterCount()).c_str(),
                 model.deviceName().c_str(), core::precisionName(model.precision()));
}

} // namespace headscope::cli
