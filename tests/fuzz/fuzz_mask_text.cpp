// Fuzzes the text mask formats: HeadScope JSON, Hugging Face pruned_heads, the 0- and 1-based
// descriptors, the CSV matrix, and readMaskFile's sniffing of a file without a known extension.
// The first byte picks the format and the model shape, the rest is the file.
#include "fuzz_input_file.h"
#include "mask_checks.h"

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace headscope::core;
    if (size == 0)
        return 0;
    static headscope::fuzz::FuzzInputFile file(".mask");
    const uint8_t selector = data[0];
    const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    // Shapes the formats without their own take from the model: none, BERT-base, a small one.
    static constexpr int kShapes[][2] = {{0, 0}, {12, 12}, {3, 4}, {1, 1}};
    const int nLayers = kShapes[(selector >> 3) % 4][0];
    const int nHeads = kShapes[(selector >> 3) % 4][1];
    const std::string path = "fuzz/mask";

    Result<MaskSet> set = Error{};
    switch (selector % 6) {
    case 0: set = maskFromJson(text, path); break;
    case 1: set = maskFromHfPrunedHeads(text, nLayers, nHeads, path); break;
    case 2: set = maskFromDescriptor(text, nLayers, nHeads, path); break;
    case 3: set = maskFromPaperDescriptor(text, nLayers, nHeads, path); break;
    case 4: set = maskFromCsv(text, path); break;
    default: set = readMaskFile(file.write(data + 1, size - 1), nLayers, nHeads); break;
    }
    if (set)
        headscope::fuzz::useMaskSet(*set);
    return 0;
}
