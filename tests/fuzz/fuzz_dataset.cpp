// Fuzzes the dataset readers (RowReader's TSV / CSV / JSONL records, header and column guessing,
// labels) through loadDataset and previewDataset. The first byte picks the format and options,
// the rest is the file.
#include "data/dataset.h"
#include "fuzz_input_file.h"

#include <map>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace headscope::core;
    if (size == 0)
        return 0;
    static headscope::fuzz::FuzzInputFile file(".dataset");
    static const std::map<std::string, int> label2id = {{"entailment", 0}, {"neutral", 1}, {"contradiction", 2}};
    const uint8_t selector = data[0];
    const std::string& path = file.write(data + 1, size - 1);

    static constexpr DatasetFormat kFormats[] = {DatasetFormat::Tsv, DatasetFormat::Csv, DatasetFormat::Jsonl};
    DatasetOptions options;
    options.format = kFormats[selector % 3];
    if (selector & 0x04)
        options.hasHeader = (selector & 0x08) != 0;
    options.strict = (selector & 0x10) != 0;
    options.limit = (selector & 0x20) ? 3 : 0;
    if (selector & 0x40) { // named columns: a header name or an index
        options.textColumn = (selector & 0x80) ? "sentence" : "0";
        options.labelColumn = (selector & 0x80) ? "label" : "1";
    }
    auto ds = loadDataset(path, options, (selector & 0x80) ? &label2id : nullptr);
    if (ds) {
        for (const Example& ex : ds->examples)
            (void)ex.textA.size();
    }
    auto preview = previewDataset(path, options.format, 4);
    (void)preview;
    return 0;
}
