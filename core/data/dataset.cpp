#include "data/dataset.h"

#include "data/row_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace headscope::core {

namespace {

constexpr size_t kPreviewBytes = 1 << 20; // a preview reads at most this much of the file

const std::vector<std::string> kKnownColumns = {"sentence",   "sentence1", "sentence2",  "text",     "text_a",
                                                "text_b",     "premise",   "hypothesis", "question", "label",
                                                "gold_label", "labels",    "question1",  "question2"};
const std::vector<std::string> kTextNames = {"sentence", "text",   "sentence1",
                                             "premise",  "text_a", "question"};
const std::vector<std::string> kTextBNames = {"sentence2", "hypothesis", "text_b"};
const std::vector<std::string> kLabelNames = {"label", "gold_label", "labels"};
// Pairs checked before single text columns, so that QNLI/QQP-style files are read as pairs.
const std::vector<std::pair<std::string, std::string>> kPairNames = {{"sentence1", "sentence2"},
                                                                     {"premise", "hypothesis"},
                                                                     {"text_a", "text_b"},
                                                                     {"question", "sentence"},
                                                                     {"question1", "question2"}};
const std::vector<std::string> kLabelWords = {"entailment", "neutral",  "contradiction", "not_entailment",
                                              "positive",   "negative", "pos",           "neg",
                                              "true",       "false",    "yes",           "no",
                                              "-"};

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s)
{
    const size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool isInteger(const std::string& s, long long* value = nullptr)
{
    if (s.empty()) return false;
    size_t i = s[0] == '-' || s[0] == '+' ? 1 : 0;
    if (i == s.size() || s.size() - i > 18) return false;
    for (size_t k = i; k < s.size(); ++k)
        if (!std::isdigit(static_cast<unsigned char>(s[k]))) return false;
    if (value) *value = std::strtoll(s.c_str(), nullptr, 10);
    return true;
}

bool isNumber(const std::string& s)
{
    if (s.empty()) return false;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
}

// "2", and also "2.0" as JSON writers sometimes produce.
bool isIntegralNumber(const std::string& s, long long* value)
{
    if (isInteger(s, value)) return true;
    if (!isNumber(s)) return false;
    const double d = std::strtod(s.c_str(), nullptr);
    if (!std::isfinite(d) || std::fabs(d) > 1e9 || d != std::floor(d)) return false;
    *value = static_cast<long long>(d);
    return true;
}

bool isKnownLabelWord(const std::string& cell, const std::map<std::string, int>* label2id)
{
    const std::string l = lower(trim(cell));
    if (std::find(kLabelWords.begin(), kLabelWords.end(), l) != kLabelWords.end()) return true;
    if (label2id)
        for (const auto& entry : *label2id)
            if (lower(entry.first) == l) return true;
    return false;
}

std::string readFile(const std::string& path, size_t maxBytes = 0)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) fail(ErrorCode::FileNotFound, "cannot open dataset file", path);
    std::string text;
    if (maxBytes > 0) {
        // Sized from the file, so that previewing a small file does not fill a whole buffer.
        in.seekg(0, std::ios::end);
        const std::streamoff fileBytes = in.tellg();
        in.seekg(0, std::ios::beg);
        text.resize(fileBytes > 0 ? std::min(maxBytes, static_cast<size_t>(fileBytes)) : maxBytes);
        in.read(&text[0], static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<size_t>(in.gcount()));
    } else {
        std::ostringstream ss;
        ss << in.rdbuf();
        text = ss.str();
    }
    if (in.bad()) fail(ErrorCode::InvalidFile, "read error", path);
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    // A model file or an image picked by mistake would otherwise fill the column picker with
    // garbage: text datasets never hold NUL bytes and hardly any other control characters.
    const size_t probe = std::min<size_t>(text.size(), 64 * 1024);
    size_t controls = 0;
    for (size_t i = 0; i < probe; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == 0)
            fail(ErrorCode::InvalidFile, "not a text file (a NUL byte at offset " + std::to_string(i) +
                                             "); a dataset is a TSV, CSV or JSONL text file", path);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') ++controls;
    }
    if (probe > 0 && controls * 50 > probe)
        fail(ErrorCode::InvalidFile, "not a text file (" + std::to_string(controls) +
                                         " control characters in the first " + std::to_string(probe) +
                                         " bytes); a dataset is a TSV, CSV or JSONL text file", path);
    return text;
}

DatasetFormat resolveFormat(const std::string& path, DatasetFormat format)
{
    if (format != DatasetFormat::Auto) return format;
    const size_t dot = path.find_last_of('.');
    const size_t slash = path.find_last_of('/');
    const std::string ext = dot == std::string::npos || (slash != std::string::npos && dot < slash)
                                ? std::string()
                                : lower(path.substr(dot + 1));
    if (ext == "tsv") return DatasetFormat::Tsv;
    if (ext == "csv") return DatasetFormat::Csv;
    if (ext == "jsonl" || ext == "json" || ext == "ndjson") return DatasetFormat::Jsonl;
    fail(ErrorCode::InvalidArgument,
         "cannot tell the dataset format from the extension '" + ext + "'; choose tsv, csv or jsonl", path);
}

// Header when a cell is a known column name, or when the last cell of row 1 is a word while the
// last cell of row 2 looks like a label.
bool guessHeader(const RawRow& first, const RawRow* second, const std::map<std::string, int>* label2id)
{
    for (const std::string& cell : first.cells)
        if (std::find(kKnownColumns.begin(), kKnownColumns.end(), lower(trim(cell))) != kKnownColumns.end())
            return true;
    if (!second || first.cells.empty() || second->cells.empty()) return false;
    const std::string last1 = trim(first.cells.back()), last2 = trim(second->cells.back());
    return !isNumber(last1) && !isKnownLabelWord(last1, label2id) &&
           (isNumber(last2) || isKnownLabelWord(last2, label2id));
}

int findName(const std::vector<std::string>& columns, const std::string& name)
{
    for (size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == name) return int(i);
    const std::string l = lower(name);
    for (size_t i = 0; i < columns.size(); ++i)
        if (lower(trim(columns[i])) == l) return int(i);
    return -1;
}

int findFirst(const std::vector<std::string>& columns, const std::vector<std::string>& names)
{
    for (const std::string& name : names)
        if (int i = findName(columns, name); i >= 0) return i;
    return -1;
}

struct ColumnGuess
{
    int text = -1, textB = -1, label = -1;
    std::string problem; // why the guess is unreliable, empty when it is fine
};

ColumnGuess guessColumns(const std::vector<std::string>& columns, bool named)
{
    ColumnGuess g;
    if (named) {
        for (const auto& [a, b] : kPairNames) {
            const int ia = findName(columns, a), ib = findName(columns, b);
            if (ia >= 0 && ib >= 0) {
                g.text = ia;
                g.textB = ib;
                break;
            }
        }
        if (g.text < 0) {
            g.text = findFirst(columns, kTextNames);
            g.textB = findFirst(columns, kTextBNames);
            if (g.textB == g.text) g.textB = -1;
        }
        g.label = findFirst(columns, kLabelNames);
        if (g.text < 0)
            g.problem = "no column is named like a text column (sentence, text, sentence1, premise, ...)";
        else if (g.label < 0)
            g.problem = "no column is named like a label column (label, gold_label, labels)";
        return g;
    }
    const size_t n = columns.size();
    g.text = 0;
    if (n == 2) {
        g.label = 1;
    } else if (n == 3) {
        g.textB = 1;
        g.label = 2;
    } else if (n == 1) {
        g.problem = "a single column without header: no labels";
    } else {
        g.problem = "no header and " + std::to_string(n) + " columns: choose the text and label columns";
    }
    return g;
}

std::string joinColumns(const std::vector<std::string>& columns)
{
    std::string s;
    for (size_t i = 0; i < columns.size(); ++i)
        s += (i ? ", " : "") + columns[i];
    return s;
}

// Column by name (exact, then case-insensitive) or 0-based index; -1 for an empty spec.
int resolveColumn(const std::string& spec, const std::vector<std::string>& columns, const std::string& path)
{
    if (spec.empty()) return -1;
    if (int i = findName(columns, spec); i >= 0) return i;
    long long index = 0;
    if (isInteger(spec, &index) && spec[0] != '-' && spec[0] != '+') {
        if (index < static_cast<long long>(columns.size())) return int(index);
        fail(ErrorCode::InvalidArgument,
             "column index " + spec + " is out of range: the file has " + std::to_string(columns.size()) +
                 " columns",
             path);
    }
    fail(ErrorCode::InvalidArgument,
         "unknown column '" + spec + "'; available columns: " + joinColumns(columns), path);
}

std::string columnName(int index, const std::vector<std::string>& columns)
{
    return index >= 0 ? columns[size_t(index)] : std::string();
}

// The first record(s) decide the header and the columns.
struct Layout
{
    bool hasHeader = false;
    std::vector<std::string> columns;
    std::vector<RawRow> pending; // data rows already read
};

Layout readLayout(RowReader& reader, DatasetFormat format, const std::optional<bool>& hasHeader,
                  const std::map<std::string, int>* label2id)
{
    Layout layout;
    RawRow row;
    if (format == DatasetFormat::Jsonl) {
        // Keys of the first object are the columns; every object is a data row.
        layout.hasHeader = true;
        while (reader.next(row)) {
            layout.pending.push_back(row);
            if (row.error.empty()) {
                layout.columns = row.keys;
                break;
            }
        }
        return layout;
    }
    if (!reader.next(row)) return layout;
    RawRow second;
    const bool haveSecond = reader.next(second);
    layout.hasHeader = hasHeader ? *hasHeader : guessHeader(row, haveSecond ? &second : nullptr, label2id);
    if (layout.hasHeader) {
        layout.columns = row.cells;
    } else {
        for (size_t i = 0; i < row.cells.size(); ++i)
            layout.columns.push_back(std::to_string(i));
        layout.pending.push_back(row);
    }
    if (haveSecond) layout.pending.push_back(second);
    return layout;
}

// JSONL objects may order keys differently or omit some: align them with the columns.
std::string alignJsonRow(RawRow& row, const std::vector<std::string>& columns, const std::vector<int>& used)
{
    std::vector<std::string> cells(columns.size());
    for (size_t k = 0; k < row.keys.size(); ++k) {
        auto it = std::find(columns.begin(), columns.end(), row.keys[k]);
        if (it != columns.end()) cells[size_t(it - columns.begin())] = std::move(row.cells[k]);
    }
    for (int i : used) {
        if (i >= 0 && std::find(row.keys.begin(), row.keys.end(), columns[size_t(i)]) == row.keys.end())
            return "missing key '" + columns[size_t(i)] + "'";
    }
    row.cells = std::move(cells);
    return {};
}

} // namespace

bool Dataset::hasPairs() const
{
    return !textBColumn.empty();
}

DatasetFormat datasetFormatFromName(const std::string& name)
{
    const std::string l = lower(name);
    if (l == "tsv") return DatasetFormat::Tsv;
    if (l == "csv") return DatasetFormat::Csv;
    if (l == "jsonl" || l == "json") return DatasetFormat::Jsonl;
    return DatasetFormat::Auto;
}

const char* datasetFormatName(DatasetFormat format)
{
    switch (format) {
    case DatasetFormat::Tsv:
        return "tsv";
    case DatasetFormat::Csv:
        return "csv";
    case DatasetFormat::Jsonl:
        return "jsonl";
    case DatasetFormat::Auto:
        return "auto";
    }
    return "auto";
}

Result<Dataset> loadDataset(const std::string& path, const DatasetOptions& options,
                            const std::map<std::string, int>* label2id)
{
    return captureResult([&] {
        Dataset ds;
        ds.path = path;
        ds.format = resolveFormat(path, options.format);
        const std::string text = readFile(path);
        if (trim(text).empty()) fail(ErrorCode::InvalidFile, "the dataset file is empty", path);

        RowReader reader(text, ds.format);
        Layout layout = readLayout(reader, ds.format, options.hasHeader, label2id);
        ds.columns = layout.columns;
        if (ds.columns.empty())
            fail(ErrorCode::InvalidFile, "no readable record", path,
                 layout.pending.empty()
                     ? std::string()
                     : "line " + std::to_string(layout.pending[0].line) + ": " + layout.pending[0].error);

        const bool named = layout.hasHeader;
        const ColumnGuess guess = guessColumns(ds.columns, named);
        int textCol = resolveColumn(options.textColumn, ds.columns, path);
        int textBCol = resolveColumn(options.textBColumn, ds.columns, path);
        int labelCol = resolveColumn(options.labelColumn, ds.columns, path);
        if (textCol < 0) {
            if (guess.text < 0 || (!named && ds.columns.size() > 3))
                fail(ErrorCode::InvalidArgument, "cannot guess the text column: " + guess.problem, path,
                     "columns: " + joinColumns(ds.columns));
            textCol = guess.text;
        }
        if (textBCol < 0 && options.textBColumn.empty() && guess.textB != textCol) textBCol = guess.textB;
        if (labelCol < 0 && options.labelColumn.empty()) labelCol = guess.label;
        ds.textColumn = columnName(textCol, ds.columns);
        ds.textBColumn = columnName(textBCol, ds.columns);
        ds.labelColumn = columnName(labelCol, ds.columns);

        const std::vector<int> used = {textCol, textBCol, labelCol};
        const size_t expected = ds.columns.size();
        auto skip = [&](int64_t line, const std::string& message, bool malformed) {
            if (options.strict && malformed)
                fail(ErrorCode::InvalidFile, "line " + std::to_string(line) + ": " + message, path);
            ds.warnings.push_back({line, message});
            ++ds.skippedLines;
        };

        RawRow row;
        size_t pendingIndex = 0;
        auto nextRow = [&]() {
            if (pendingIndex < layout.pending.size()) {
                row = std::move(layout.pending[pendingIndex++]);
                return true;
            }
            return reader.next(row);
        };
        while ((options.limit <= 0 || int64_t(ds.examples.size()) < options.limit) && nextRow()) {
            if (!row.error.empty()) {
                skip(row.line, row.error, true);
                continue;
            }
            if (ds.format == DatasetFormat::Jsonl) {
                if (std::string problem = alignJsonRow(row, ds.columns, used); !problem.empty()) {
                    skip(row.line, problem, true);
                    continue;
                }
            } else if (row.cells.size() != expected) {
                skip(row.line,
                     "expected " + std::to_string(expected) + " fields, found " +
                         std::to_string(row.cells.size()),
                     true);
                continue;
            }
            Example ex;
            ex.line = row.line;
            ex.textA = row.cells[size_t(textCol)];
            if (textBCol >= 0) ex.textB = row.cells[size_t(textBCol)];
            if (labelCol >= 0) {
                ex.labelText = trim(row.cells[size_t(labelCol)]);
                long long value = 0;
                if (ex.labelText.empty()) {
                    skip(row.line, "empty label", true);
                    continue;
                }
                if (ex.labelText == "-") { // MNLI: annotators did not agree on a gold label
                    skip(row.line, "no gold label ('-')", false);
                    continue;
                }
                if (isIntegralNumber(ex.labelText, &value)) {
                    ex.label = int(value);
                } else if (label2id) {
                    auto it = label2id->find(ex.labelText);
                    if (it == label2id->end())
                        it = std::find_if(label2id->begin(), label2id->end(), [&](const auto& e) {
                            return lower(e.first) == lower(ex.labelText);
                        });
                    if (it == label2id->end()) {
                        skip(row.line, "unknown label '" + ex.labelText + "'", true);
                        continue;
                    }
                    ex.label = it->second;
                } else {
                    skip(row.line, "unknown label '" + ex.labelText + "' (no label2id mapping to read it)",
                         true);
                    continue;
                }
            }
            ds.examples.push_back(std::move(ex));
        }
        if (ds.examples.empty())
            fail(ErrorCode::InvalidFile, "the dataset has no usable examples", path,
                 ds.warnings.empty()
                     ? std::string("no data rows")
                     : std::to_string(ds.skippedLines) + " lines skipped; first: line " +
                           std::to_string(ds.warnings[0].line) + ": " + ds.warnings[0].message);
        return ds;
    });
}

Result<DatasetPreview> previewDataset(const std::string& path, DatasetFormat format, int maxRows)
{
    return captureResult([&] {
        DatasetPreview p;
        p.format = resolveFormat(path, format);
        std::string text = readFile(path, kPreviewBytes);
        if (text.size() == kPreviewBytes) {
            // Drop the last, probably cut, line.
            const size_t nl = text.find_last_of('\n');
            if (nl != std::string::npos) text.resize(nl + 1);
        }
        if (trim(text).empty()) fail(ErrorCode::InvalidFile, "the dataset file is empty", path);
        RowReader reader(text, p.format);
        Layout layout = readLayout(reader, p.format, std::nullopt, nullptr);
        p.hasHeader = layout.hasHeader;
        p.columns = layout.columns;
        RawRow row;
        size_t pendingIndex = 0;
        while (int(p.rows.size()) < maxRows) {
            if (pendingIndex < layout.pending.size())
                row = layout.pending[pendingIndex++];
            else if (!reader.next(row))
                break;
            if (!row.error.empty()) continue;
            if (p.format == DatasetFormat::Jsonl && !alignJsonRow(row, p.columns, {}).empty()) continue;
            p.rows.push_back(row.cells);
        }
        const ColumnGuess guess = guessColumns(p.columns, p.hasHeader);
        p.guessedText = columnName(guess.text, p.columns);
        p.guessedTextB = columnName(guess.textB, p.columns);
        p.guessedLabel = columnName(guess.label, p.columns);
        p.ambiguous = !guess.problem.empty();
        p.reason = guess.problem;
        if (p.columns.empty()) {
            p.ambiguous = true;
            p.reason = "no readable record";
        }
        return p;
    });
}

} // namespace headscope::core
