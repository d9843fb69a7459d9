// The JSON form of a translation model's training dynamics (checkpoint series), apart from
// translation_json.cpp's single-model results that it nests.
#include "report/report_common.h"
#include "report/result_json.h"
#include "report/translation_json.h"

#include <stdexcept>

namespace headscope::core::report {

const char* resultKey(const TranslationCheckpointSeriesResult&) { return "checkpoints"; }

Json toJson(const TranslationCheckpointSeriesResult& r)
{
    Json list = Json::array();
    for (const auto& c : r.checkpoints) {
        Json j = checkpointInfoJson(c.checkpoint);
        j["encoder_layers"] = c.encoderLayers;
        j["decoder_layers"] = c.decoderLayers;
        j["heads"] = c.heads;
        j["parameters"] = c.nParameters;
        j["bleu"] = c.bleu;
        if (c.importance)
            j[resultKey(*c.importance)] = toJson(*c.importance);
        if (c.curves)
            j[resultKey(*c.curves)] = toJson(*c.curves);
        list.push_back(std::move(j));
    }
    Json j = Json::object();
    j["source"] = r.sourcePath;
    j["reference"] = r.referencePath;
    j["n"] = r.nSentences;
    j["checkpoints"] = list;
    j["seconds"] = r.seconds;
    return j;
}

Result<TranslationCheckpointSeriesResult> translationCheckpointsFromJson(const Json& j)
{
    return readJson<TranslationCheckpointSeriesResult>("checkpoints", [&]() {
        TranslationCheckpointSeriesResult r;
        r.sourcePath = j.at("source").get<std::string>();
        r.referencePath = j.at("reference").get<std::string>();
        r.nSentences = integerFrom<int64_t>(j.at("n"));
        for (const auto& e : j.at("checkpoints")) {
            TranslationCheckpointAnalysis c;
            c.checkpoint = checkpointInfoFromJson(e);
            c.encoderLayers = integerFrom<int>(e.at("encoder_layers"));
            c.decoderLayers = integerFrom<int>(e.at("decoder_layers"));
            c.heads = integerFrom<int>(e.at("heads"));
            c.nParameters = integerFrom<int64_t>(e.at("parameters"));
            c.bleu = e.at("bleu").get<double>();
            if (e.contains("importance"))
                c.importance = valueOrThrow(translationImportanceFromJson(e.at("importance")));
            if (e.contains("prune_curves")) {
                // The checkpoint's own shapes, bounded so that a corrupt file cannot size a
                // huge mask.
                if (c.encoderLayers < 0 || c.decoderLayers < 0 || c.heads < 0 || c.encoderLayers > 4096 ||
                    c.decoderLayers > 4096 || c.heads > 4096)
                    throw std::invalid_argument("implausible layer or head count in checkpoint " + c.checkpoint.name);
                Seq2SeqMasks shapes;
                shapes.encoderSelf = HeadMask(c.encoderLayers, c.heads);
                shapes.encoderDecoder = HeadMask(c.decoderLayers, c.heads);
                shapes.decoderSelf = HeadMask(c.decoderLayers, c.heads);
                c.curves = valueOrThrow(translationPruneCurvesFromJson(e.at("prune_curves"), shapes));
            }
            r.checkpoints.push_back(std::move(c));
        }
        r.seconds = j.at("seconds").get<double>();
        r.complete = true; // only finished series are written
        return r;
    });
}

} // namespace headscope::core::report
