// Fuzzes WordPieceTokenizer::fromVocabTxt and tokenising with the vocabulary it accepts. Input:
// vocab.txt, optionally followed by a NUL byte and a text to tokenise.
#include "fuzz_input_file.h"
#include "tokenize_sample.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace headscope;
    static fuzz::FuzzInputFile file("-vocab.txt");
    const auto [vocab, text] = fuzz::splitAtNul(data, size);
    core::TokenizerOptions options;
    options.doLowerCase = size % 2 == 0; // both the uncased and the cased paths
    auto tok = core::WordPieceTokenizer::fromVocabTxt(
        file.write(reinterpret_cast<const uint8_t*>(vocab.data()), vocab.size()), options);
    if (tok)
        fuzz::tokenizeSample(*tok, text);
    return 0;
}
