// Fuzzes parseSeq2SeqConfig: the input is config.json, optionally followed by a NUL byte and
// generation_config.json.
#include "io/seq2seq_config.h"

#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace headscope::core;
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t split = input.find('\0');
    const std::string config = input.substr(0, split);
    const std::string generation = split == std::string::npos ? std::string() : input.substr(split + 1);
    auto parsed = parseSeq2SeqConfig(config, "fuzz/config.json", generation,
                                     generation.empty() ? std::string() : "fuzz/generation_config.json");
    if (!parsed)
        return 0;
    for (AttentionType type : {AttentionType::EncoderSelf, AttentionType::EncoderDecoder, AttentionType::DecoderSelf}) {
        (void)parsed->nLayers(type);
        (void)parsed->nHeads(type);
        (void)parsed->prunedHeads(type);
    }
    (void)parsed->headDim();
    // What was accepted must serialise and be accepted again.
    if (!parseSeq2SeqConfig(seq2SeqConfigToJson(*parsed), "fuzz/config.json"))
        std::abort();
    return 0;
}
