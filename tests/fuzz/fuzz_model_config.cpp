// Fuzzes parseModelConfig (BERT / DistilBERT config.json) and the round trip of what it accepts.
#include "io/model_config.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace headscope::core;
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto config = parseModelConfig(text, "fuzz/config.json");
    if (!config)
        return 0;
    for (int layer = 0; layer < config->nLayers; ++layer)
        (void)config->nHeadsInLayer(layer);
    // What was accepted must serialise and be accepted again.
    if (!parseModelConfig(modelConfigToJson(*config), "fuzz/config.json"))
        std::abort();
    return 0;
}
