// Fuzzes WordPieceTokenizer::fromTokenizerJson and tokenising with what it accepts. Input:
// tokenizer.json, optionally followed by a NUL byte and a text to tokenise.
#include "fuzz_input_file.h"
#include "tokenize_sample.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace headscope;
    static fuzz::FuzzInputFile file("-tokenizer.json");
    const auto [json, text] = fuzz::splitAtNul(data, size);
    auto tok = core::WordPieceTokenizer::fromTokenizerJson(
        file.write(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
    if (tok)
        fuzz::tokenizeSample(*tok, text);
    return 0;
}
