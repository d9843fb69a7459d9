// Fuzzes the session file reader (core/report/session_document): .headscope files are shared
// between machines and written by crashed processes. An accepted session must write back and
// read again to the same document, and its entries go through the result readers the GUI uses
// when it opens them.
#include "report/result_json.h"
#include "report/session_document.h"
#include "report/translation_json.h"

#include <cstdlib>
#include <string_view>

namespace {

namespace report = headscope::core::report;

void readEntry(const report::SessionEntry& e, int nLayers, int nHeads)
{
    const report::Json& j = e.result;
    if (e.key == "importance")
        (void)report::importanceFromJson(j);
    else if (e.key == "ablation" || e.key == "keep_one")
        (void)report::ablationFromJson(j);
    else if (e.key == "prune_curves")
        (void)report::pruneCurvesFromJson(j, nLayers, nHeads);
    else if (e.key == "latency")
        (void)report::latencyFromJson(j, nLayers, nHeads);
    else if (e.key == "entropy")
        (void)report::entropyFromJson(j);
    else if (e.key == "compare")
        (void)report::compareFromJson(j);
    else if (e.key == "attention")
        (void)report::attentionFromJson(j);
    else if (e.key == "checkpoints")
        (void)report::checkpointsFromJson(j);
    if (!e.checkpoint.is_null())
        (void)report::importanceCheckpointFromJson(e.checkpoint);
}

// The Translation page's part, read as TranslationController::adoptSession reads it.
void readTranslation(const report::TranslationSession& t, int nLayers, int nHeads)
{
    headscope::core::Seq2SeqMasks shapes;
    for (auto type : headscope::core::kSeq2SeqAttentionTypes)
        shapes.of(type) = headscope::core::HeadMask(nLayers, nHeads);
    if (!t.masks.is_null())
        (void)report::seq2seqMasksFromJson(t.masks, shapes);
    for (const auto& e : t.entries) {
        if (e.key == "importance")
            (void)report::translationImportanceFromJson(e.result);
        else if (e.key == "ablation" || e.key == "keep_one")
            (void)report::translationAblationFromJson(e.result);
        else if (e.key == "prune_curves")
            (void)report::translationPruneCurvesFromJson(e.result, shapes);
        else if (e.key == "checkpoints")
            (void)report::translationCheckpointsFromJson(e.result);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto doc = report::parseSessionText(text, "fuzz.headscope");
    if (!doc)
        return 0;
    // The mask's shape (bounded by the reader) stands in for the model's.
    const int nLayers = doc->mask.nLayers() > 0 && doc->mask.nLayers() <= 64 ? doc->mask.nLayers() : 12;
    const int nHeads = doc->mask.nHeads() > 0 && doc->mask.nHeads() <= 64 ? doc->mask.nHeads() : 12;
    for (const auto& e : doc->entries)
        readEntry(e, nLayers, nHeads);
    if (doc->translation)
        readTranslation(*doc->translation, nLayers, nHeads);
    // What was read writes back and reads again to the same document. Serialised once: a
    // document without saved_at is stamped with the current time when written.
    const report::Json first = report::toJson(*doc);
    const auto back = report::parseSessionText(report::formatJson(first), "fuzz-again.headscope");
    if (!back || report::toJson(*back) != first)
        std::abort();
    return 0;
}
