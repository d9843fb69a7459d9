#pragma once
// Classification datasets: TSV (GLUE layouts), CSV (quoted fields) and JSONL.
//
//   DatasetOptions opt;                     // columns guessed from the header when unset
//   auto ds = loadDataset("dev.tsv", opt, &config.label2id);
//   for (const auto& w : ds->warnings) ...  // malformed lines that were skipped
#include "util/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace headscope::core {

enum class DatasetFormat { Auto, Tsv, Csv, Jsonl };

struct DatasetOptions
{
    DatasetFormat format = DatasetFormat::Auto; // Auto: from the extension
    /// Column by name or 0-based index ("sentence", "0"); empty = guess.
    std::string textColumn;
    std::string textBColumn;   // empty = single sentences unless guessed (sentence1/sentence2)
    std::string labelColumn;
    std::optional<bool> hasHeader; // unset = guess
    bool strict = false;           // a malformed line stops the load instead of being skipped
    int64_t limit = 0;             // keep at most this many examples (0 = all)
};

struct Example
{
    std::string textA;
    std::optional<std::string> textB;
    int label = -1;          // -1: no label / unknown
    std::string labelText;   // as written in the file
    int64_t line = 0;        // 1-based line in the file
};

struct DatasetWarning
{
    int64_t line = 0;
    std::string message;     // "expected 2 fields, found 3", ...
};

struct Dataset
{
    std::string path;
    DatasetFormat format = DatasetFormat::Tsv;
    std::vector<std::string> columns; // header names, or "0", "1", ... without header
    std::string textColumn, textBColumn, labelColumn; // resolved
    std::vector<Example> examples;
    std::vector<DatasetWarning> warnings;
    int64_t skippedLines = 0;
    bool hasPairs() const;
};

/// Loads the dataset; labels are integers or strings mapped through label2id (when given).
/// Errors (missing file, empty dataset, unknown column, strict-mode malformed line) name the
/// file and the line.
Result<Dataset> loadDataset(const std::string& path, const DatasetOptions& options,
                            const std::map<std::string, int>* label2id = nullptr);

/// What the GUI's column-mapping dialog needs: columns, a preview, a guess and whether the
/// guess is ambiguous.
struct DatasetPreview
{
    DatasetFormat format = DatasetFormat::Tsv;
    bool hasHeader = false;
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows; // first few rows, as split
    std::string guessedText, guessedTextB, guessedLabel;
    bool ambiguous = false;
    std::string reason; // why it is ambiguous
};
Result<DatasetPreview> previewDataset(const std::string& path, DatasetFormat format = DatasetFormat::Auto,
                                      int maxRows = 8);

DatasetFormat datasetFormatFromName(const std::string& name); // "tsv", "csv", "jsonl", "auto"
const char* datasetFormatName(DatasetFormat format);

} // namespace headscope::core
