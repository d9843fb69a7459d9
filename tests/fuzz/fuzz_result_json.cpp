// Fuzzes the result readers of core/report (every *FromJson), which read the JSON files users
// pass around (CLI output, File > Export, session files). The input is a document; every reader
// is run on it and on each entry of its "results" object, as a reader of such a file would.
#include "report/result_json.h"
#include "report/translation_json.h"
#include "util/error.h"
#include "util/json_nesting.h"

#include <string>
#include <string_view>

namespace {

using headscope::core::report::Json;

// The model shape the shape-taking readers get: the document's own when it is plausible.
int shapeField(const Json& doc, const char* key)
{
    if (doc.is_object() && doc.contains("model") && doc["model"].is_object()) {
        const Json& model = doc["model"];
        if (model.contains(key) && model[key].is_number_integer()) {
            const int64_t v = model[key].get<int64_t>();
            if (v >= 0 && v <= 64)
                return int(v);
        }
    }
    return 12;
}

void readAll(const Json& j, int nLayers, int nHeads)
{
    namespace report = headscope::core::report;
    (void)report::evalPartialFromJson(j);
    (void)report::evaluationFromJson(j);
    (void)report::importanceFromJson(j);
    (void)report::ablationFromJson(j);
    (void)report::entropyFromJson(j);
    (void)report::attentionFromJson(j);
    (void)report::maskFromJson(j, nLayers, nHeads);
    (void)report::dataFromJson(j);
    (void)report::checkpointsFromJson(j);
    (void)report::pruneCurvesFromJson(j, nLayers, nHeads);
    (void)report::latencyFromJson(j, nLayers, nHeads);
    (void)report::compareFromJson(j);
    // Translation models' results, per attention type (shapes as for the masks above).
    headscope::core::Seq2SeqMasks shapes;
    for (auto type : headscope::core::kSeq2SeqAttentionTypes)
        shapes.of(type) = headscope::core::HeadMask(nLayers, nHeads);
    (void)report::seq2seqMasksFromJson(j, shapes);
    (void)report::translationEvalFromJson(j, shapes);
    (void)report::translationImportanceFromJson(j);
    (void)report::translationAblationFromJson(j);
    (void)report::translationPruneCurvesFromJson(j, shapes);
    (void)report::translationLatencyFromJson(j, shapes);
    (void)report::translationCompareFromJson(j);
    (void)report::translationCheckpointsFromJson(j);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // A reader of these files checks the nesting before parsing, as core's readers do.
    try {
        headscope::core::checkJsonNesting(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json",
                                          "the result file");
    } catch (const headscope::core::ErrorException&) {
        return 0;
    }
    const Json doc = Json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded())
        return 0;
    const int nLayers = shapeField(doc, "layers");
    const int nHeads = shapeField(doc, "heads");
    readAll(doc, nLayers, nHeads);
    if (doc.is_object() && doc.contains("results") && doc["results"].is_object())
        for (const auto& item : doc["results"].items())
            readAll(item.value(), nLayers, nHeads);
    if (doc.is_object() && doc.contains("data"))
        (void)headscope::core::report::dataFromJson(doc["data"]);
    return 0;
}
