#include "data/row_reader.h"

#include "util/json_error_text.h"
#include "util/json_nesting.h"

#include <nlohmann/json.hpp>

namespace headscope::core {

namespace {

bool isBlank(const std::string& s)
{
    return s.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string jsonCell(const nlohmann::ordered_json& v)
{
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return {};
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    return v.dump();
}

std::string tooLongMessage(size_t bytes)
{
    return "the record is " + std::to_string(bytes) + " bytes long, more than the limit of " +
           std::to_string(kMaxRecordBytes) + " bytes (1 MB)";
}

} // namespace

RowReader::RowReader(const std::string& text, DatasetFormat format) : m_text(text), m_format(format)
{
}

bool RowReader::next(RawRow& row)
{
    row.cells.clear();
    row.keys.clear();
    row.error.clear();
    switch (m_format) {
    case DatasetFormat::Csv:
        return nextCsv(row);
    case DatasetFormat::Jsonl:
        return nextJsonl(row);
    default:
        return nextTsv(row);
    }
}

bool RowReader::nextLine(std::string& line, int64_t& lineNo, std::string& error)
{
    if (m_pos >= m_text.size()) return false;
    size_t nl = m_text.find('\n', m_pos);
    if (nl == std::string::npos) nl = m_text.size();
    size_t end = nl;
    if (end > m_pos && m_text[end - 1] == '\r') --end;
    if (end - m_pos > kMaxRecordBytes) {
        error = tooLongMessage(end - m_pos);
        line.clear();
    } else {
        line.assign(m_text, m_pos, end - m_pos);
    }
    lineNo = m_line++;
    m_pos = nl + 1;
    return true;
}

bool RowReader::nextTsv(RawRow& row)
{
    std::string line;
    while (nextLine(line, row.line, row.error)) {
        if (!row.error.empty()) return true;
        if (line.empty()) continue;
        size_t start = 0;
        while (true) {
            const size_t tab = line.find('\t', start);
            if (tab == std::string::npos) {
                row.cells.push_back(line.substr(start));
                break;
            }
            row.cells.push_back(line.substr(start, tab - start));
            start = tab + 1;
        }
        return true;
    }
    return false;
}

bool RowReader::nextCsv(RawRow& row)
{
    const std::string& t = m_text;
    const size_t n = t.size();
    while (m_pos < n) {
        row.line = m_line;
        row.cells.clear();
        const size_t recordStart = m_pos;
        std::string cell;
        bool inQuotes = false, quoted = false, any = false;
        bool ended = false;
        while (m_pos < n && !ended) {
            if (m_pos - recordStart > kMaxRecordBytes) {
                // Skip to the end of the physical line, without copying it.
                size_t nl = t.find('\n', m_pos);
                if (nl == std::string::npos) nl = n;
                row.error = tooLongMessage(nl - recordStart);
                row.cells.clear();
                m_pos = nl + 1;
                ++m_line;
                return true;
            }
            const char c = t[m_pos];
            if (inQuotes) {
                if (c == '"') {
                    if (m_pos + 1 < n && t[m_pos + 1] == '"') {
                        cell += '"';
                        m_pos += 2;
                    } else {
                        inQuotes = false;
                        ++m_pos;
                    }
                    continue;
                }
                if (c == '\n') ++m_line;
                cell += c;
                ++m_pos;
                continue;
            }
            if (c == '"' && cell.empty() && !quoted) {
                inQuotes = quoted = any = true;
                ++m_pos;
            } else if (c == ',') {
                row.cells.push_back(std::move(cell));
                cell.clear();
                quoted = false;
                any = true;
                ++m_pos;
            } else if (c == '\n' || (c == '\r' && m_pos + 1 < n && t[m_pos + 1] == '\n')) {
                m_pos += c == '\r' ? 2 : 1;
                ++m_line;
                ended = true;
            } else {
                // A quote inside an unquoted field is kept as text, as Python's csv module does.
                cell += c;
                any = true;
                ++m_pos;
            }
        }
        if (inQuotes) {
            row.error = "unterminated quoted field";
            row.cells.push_back(std::move(cell));
            return true;
        }
        if (!any) continue; // blank line
        row.cells.push_back(std::move(cell));
        return true;
    }
    return false;
}

bool RowReader::nextJsonl(RawRow& row)
{
    std::string line;
    while (nextLine(line, row.line, row.error)) {
        if (!row.error.empty()) return true;
        if (isBlank(line)) continue;
        const bool first = !m_seenRecord;
        m_seenRecord = true;
        if (first && line[line.find_first_not_of(" \t")] == '[') {
            row.error = "a JSON array is not supported; write one JSON object per line (JSON Lines)";
            return true;
        }
        try {
            checkJsonNesting(line, {}, "the record");
        } catch (const ErrorException& e) {
            row.error = e.error().message + " (" + e.error().detail + ")";
            return true;
        }
        nlohmann::ordered_json obj;
        try {
            obj = nlohmann::ordered_json::parse(line);
        } catch (const nlohmann::json::exception& e) {
            row.error = "invalid JSON: " + jsonErrorText(e);
            return true;
        }
        if (!obj.is_object()) {
            row.error = "expected a JSON object";
            return true;
        }
        for (const auto& [key, value] : obj.items()) {
            row.keys.push_back(key);
            row.cells.push_back(jsonCell(value));
        }
        return true;
    }
    return false;
}

} // namespace headscope::core
