// The model block of every document: the one report function that reads the engine's model
// (kept apart so that the result readers link without the engine, for their fuzz target).
#include "model/encoder_model.h"
#include "model/seq2seq_model.h"
#include "report/result_json.h"
#include "report/translation_json.h"

namespace headscope::core::report {

Json modelJson(const EncoderModel& model)
{
    Json j = Json::object();
    j["path"] = model.directory();
    j["architecture"] = model.config().modelType;
    j["layers"] = model.nLayers();
    j["heads"] = model.nHeads();
    j["heads_per_layer"] = model.headsPerLayer();
    j["parameters"] = model.parameterCount();
    j["device"] = model.deviceName();
    j["precision"] = precisionName(model.precision());
    return j;
}

Json seq2seqModelJson(const Seq2SeqModel& model)
{
    Json j = Json::object();
    j["path"] = model.directory();
    j["architecture"] = model.config().modelType;
    j["encoder_layers"] = model.nLayers(AttentionType::EncoderSelf);
    j["decoder_layers"] = model.nLayers(AttentionType::DecoderSelf);
    j["encoder_heads"] = model.nHeads(AttentionType::EncoderSelf);
    j["decoder_heads"] = model.nHeads(AttentionType::DecoderSelf);
    Json perLayer = Json::object();
    for (AttentionType t : kSeq2SeqAttentionTypes)
        perLayer[attentionTypeName(t)] = model.headsPerLayer(t);
    j["heads_per_layer"] = perLayer;
    j["parameters"] = model.parameterCount();
    j["device"] = model.deviceName();
    j["precision"] = precisionName(model.precision());
    return j;
}

} // namespace headscope::core::report
