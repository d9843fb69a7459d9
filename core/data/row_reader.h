#pragma once
// Private: splits a dataset file's text into records (TSV lines, RFC 4180 CSV records, JSONL
// objects) one at a time, so that a limited load stops early.
#include "data/dataset.h"

#include <string>
#include <vector>

namespace headscope::core {

struct RawRow
{
    int64_t line = 0;               // 1-based line where the record starts
    std::vector<std::string> cells; // fields; JSONL: the values, in `keys` order
    std::vector<std::string> keys;  // JSONL only
    std::string error;              // set when the record could not be parsed at all
};

/// A record longer than this is reported and skipped instead of parsed (a corrupt or binary
/// file would otherwise turn into one giant example).
inline constexpr size_t kMaxRecordBytes = 1000 * 1000;

class RowReader
{
public:
    /// `text` must outlive the reader; a UTF-8 BOM must already be stripped.
    RowReader(const std::string& text, DatasetFormat format);

    /// Fills the next non-blank record; false at the end of the text.
    bool next(RawRow& row);

private:
    bool nextTsv(RawRow& row);
    bool nextCsv(RawRow& row);
    bool nextJsonl(RawRow& row);
    // One physical line without its \n / \r\n; false at the end. A line over kMaxRecordBytes
    // is not copied: `error` says how long it is.
    bool nextLine(std::string& line, int64_t& lineNo, std::string& error);

    const std::string& m_text;
    DatasetFormat m_format;
    size_t m_pos = 0;
    int64_t m_line = 1;
    bool m_seenRecord = false;
};

} // namespace headscope::core
