#include "mask/detail/npy_matrix.h"

#include "util/error.h"

#include <cctype>
#include <cstring>
#include <limits>
#include <map>

namespace headscope::core {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

[[noreturn]] void invalid(const std::string& path, std::string message, std::string detail = {})
{
    fail(ErrorCode::InvalidFile, std::move(message), path, std::move(detail));
}

uint64_t readLittleEndian(const unsigned char* p, size_t nBytes)
{
    uint64_t v = 0;
    for (size_t i = 0; i < nBytes; ++i)
        v |= uint64_t(p[i]) << (8 * i);
    return v;
}

// One value of the header's Python dict literal: a string, a bool/None, an integer or a tuple.
struct PyValue
{
    enum Kind
    {
        String,
        Bool,
        None,
        Int,
        Tuple
    } kind = None;
    std::string text;
    bool flag = false;
    int64_t number = 0;
    std::vector<PyValue> items;
};

// Recursive-descent reader for the small subset of Python literals numpy writes in headers.
class PyLiteralReader
{
public:
    PyLiteralReader(const std::string& text, const std::string& path) : m_text(text), m_path(path) {}

    std::map<std::string, PyValue> readDict()
    {
        std::map<std::string, PyValue> dict;
        expect('{');
        while (true) {
            skipSpace();
            if (peek() == '}') {
                ++m_pos;
                break;
            }
            PyValue key = readValue(0);
            if (key.kind != PyValue::String) error("a dictionary key is not a string");
            expect(':');
            dict[key.text] = readValue(0);
            skipSpace();
            if (peek() == ',')
                ++m_pos;
            else if (peek() != '}')
                error("expected ',' or '}'");
        }
        skipSpace();
        if (m_pos != m_text.size()) error("unexpected text after the dictionary");
        return dict;
    }

private:
    char peek() const { return m_pos < m_text.size() ? m_text[m_pos] : '\0'; }
    void skipSpace()
    {
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
    }
    void expect(char c)
    {
        skipSpace();
        if (peek() != c) error(std::string("expected '") + c + "'");
        ++m_pos;
    }
    [[noreturn]] void error(const std::string& what) const
    {
        invalid(m_path, "the .npy header is not a valid Python dictionary",
                what + " at header offset " + std::to_string(m_pos));
    }

    // numpy writes one level of tuples; the bound keeps "((((..." in a crafted header from
    // exhausting the stack.
    static constexpr int kMaxNesting = 16;

    PyValue readValue(int depth)
    {
        if (depth > kMaxNesting) error("tuples nested more than " + std::to_string(kMaxNesting) + " deep");
        skipSpace();
        PyValue v;
        const char c = peek();
        if (c == '\'' || c == '"') {
            ++m_pos;
            const size_t end = m_text.find(c, m_pos);
            if (end == std::string::npos) error("unterminated string");
            v.kind = PyValue::String;
            v.text = m_text.substr(m_pos, end - m_pos);
            m_pos = end + 1;
        } else if (c == '(' || c == '[') {
            const char close = c == '(' ? ')' : ']';
            ++m_pos;
            v.kind = PyValue::Tuple;
            while (true) {
                skipSpace();
                if (peek() == close) {
                    ++m_pos;
                    break;
                }
                v.items.push_back(readValue(depth + 1));
                skipSpace();
                if (peek() == ',')
                    ++m_pos;
                else if (peek() != close)
                    error(std::string("expected ',' or '") + close + "'");
            }
        } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-') {
            const size_t start = m_pos++;
            while (std::isdigit(static_cast<unsigned char>(peek())))
                ++m_pos;
            const std::string digits = m_text.substr(start, m_pos - start);
            if (peek() == 'L') // Python 2 long suffix in old files
                ++m_pos;
            try {
                v.number = std::stoll(digits);
            } catch (const std::exception&) {
                error("bad integer '" + digits + "'");
            }
            v.kind = PyValue::Int;
        } else {
            const size_t start = m_pos;
            while (std::isalpha(static_cast<unsigned char>(peek())))
                ++m_pos;
            const std::string word = m_text.substr(start, m_pos - start);
            if (word == "True" || word == "False") {
                v.kind = PyValue::Bool;
                v.flag = word == "True";
            } else if (word == "None") {
                v.kind = PyValue::None;
            } else {
                error(word.empty() ? "unexpected character" : "unknown word '" + word + "'");
            }
        }
        return v;
    }

    const std::string& m_text;
    const std::string& m_path;
    size_t m_pos = 0;
};

size_t itemSize(const std::string& descr, const std::string& path)
{
    if (descr == "<f4" || descr == "<i4") return 4;
    if (descr == "<f8" || descr == "<i8") return 8;
    if (descr == "|u1" || descr == "|b1") return 1;
    if (!descr.empty() && descr[0] == '>')
        fail(ErrorCode::Unsupported, "big-endian .npy data is not supported", path, "dtype '" + descr + "'");
    fail(ErrorCode::Unsupported, "unsupported .npy dtype '" + descr + "'", path,
         "use float32, float64, uint8, bool, int32 or int64");
}

double decode(const unsigned char* p, const std::string& descr)
{
    if (descr == "<f4") {
        const auto bits = uint32_t(readLittleEndian(p, 4));
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return double(f);
    }
    if (descr == "<f8") {
        const uint64_t bits = readLittleEndian(p, 8);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
    }
    if (descr == "<i4") return double(int32_t(uint32_t(readLittleEndian(p, 4))));
    if (descr == "<i8") return double(int64_t(readLittleEndian(p, 8)));
    return double(p[0]); // |u1, |b1
}

} // namespace

NpyMatrix parseNpyMatrix(const std::string& bytes, const std::string& path)
{
    const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
    if (bytes.size() < kMagicSize + 4 || bytes.compare(0, kMagicSize, kMagic, kMagicSize) != 0)
        invalid(path, "not a .npy file (the NumPy magic string is missing)");
    const int major = data[6];
    const int minor = data[7];
    size_t headerLen = 0;
    size_t headerStart = 0;
    if (major == 1) {
        headerLen = size_t(readLittleEndian(data + 8, 2));
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) invalid(path, "the .npy file is truncated", "inside the header length");
        headerLen = size_t(readLittleEndian(data + 8, 4));
        headerStart = 12;
    } else {
        fail(ErrorCode::Unsupported, "unsupported .npy format version", path,
             "version " + std::to_string(major) + "." + std::to_string(minor));
    }
    if (headerLen > bytes.size() - headerStart)
        invalid(path, "the .npy file is truncated",
                "the header needs " + std::to_string(headerLen) + " bytes, " +
                    std::to_string(bytes.size() - headerStart) + " follow");

    const std::string header = bytes.substr(headerStart, headerLen);
    const auto dict = PyLiteralReader(header, path).readDict();
    auto field = [&](const char* key, PyValue::Kind kind) -> const PyValue& {
        auto it = dict.find(key);
        if (it == dict.end() || it->second.kind != kind)
            invalid(path, std::string("the .npy header has no valid '") + key + "' entry");
        return it->second;
    };

    NpyMatrix out;
    out.descr = field("descr", PyValue::String).text;
    if (field("fortran_order", PyValue::Bool).flag)
        fail(ErrorCode::Unsupported, "Fortran-order .npy arrays are not supported", path,
             "save a C-order array, e.g. numpy.ascontiguousarray(mask)");
    const PyValue& shape = field("shape", PyValue::Tuple);
    if (shape.items.size() != 2)
        invalid(path, "a mask .npy must be a 2-D [layers, heads] array",
                "shape has " + std::to_string(shape.items.size()) + " dimensions");
    for (const PyValue& dim : shape.items)
        if (dim.kind != PyValue::Int || dim.number <= 0 || dim.number > (int64_t(1) << 20))
            invalid(path, "the .npy shape must hold two positive sizes");
    out.rows = shape.items[0].number;
    out.cols = shape.items[1].number;

    const size_t item = itemSize(out.descr, path);
    const size_t count = size_t(out.rows) * size_t(out.cols);
    const size_t needed = count * item;
    const size_t dataStart = headerStart + headerLen;
    const size_t available = bytes.size() - dataStart;
    const std::string shapeText = std::to_string(out.rows) + " x " + std::to_string(out.cols);
    if (available < needed)
        invalid(path, "the .npy file is truncated",
                shapeText + " '" + out.descr + "' values need " + std::to_string(needed) + " bytes, " +
                    std::to_string(available) + " follow the header");
    if (available > needed)
        invalid(path, "the .npy file has unexpected bytes after its data",
                std::to_string(available - needed) + " extra bytes for " + shapeText + " '" + out.descr +
                    "'");

    out.values.resize(count);
    for (size_t i = 0; i < count; ++i)
        out.values[i] = decode(data + dataStart + i * item, out.descr);
    return out;
}

std::string writeNpyFloat32(const std::vector<float>& values, int64_t rows, int64_t cols)
{
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                         std::to_string(cols) + "), }";
    // numpy pads with spaces and a final newline so that the data starts 64-byte aligned.
    const size_t prefix = kMagicSize + 2 + 2;
    const size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
    header.append(total - prefix - header.size() - 1, ' ');
    header += '\n';

    std::string out(kMagic, kMagicSize);
    out += char(1);
    out += char(0);
    out += char(header.size() & 0xff);
    out += char((header.size() >> 8) & 0xff);
    out += header;
    out.reserve(out.size() + values.size() * 4);
    for (float f : values) {
        uint32_t bits;
        std::memcpy(&bits, &f, sizeof bits);
        for (int b = 0; b < 4; ++b)
            out += char((bits >> (8 * b)) & 0xff);
    }
    return out;
}

} // namespace headscope::core
