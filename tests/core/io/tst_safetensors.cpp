// SafetensorsFile: round trip through write(), hand-built corrupt files, dtype conversion,
// sharded checkpoints and the reference fixture written by Hugging Face.
#include "io/safetensors_file.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cmath>
#include <cstring>
#include <fstream>

using namespace headscope::core;

namespace {

std::string le64(uint64_t v)
{
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i)
        s[i] = static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}

// A file as the format lays it out: length, header, data.
QByteArray rawFile(const std::string& header, const std::string& data)
{
    const std::string bytes = le64(header.size()) + header + data;
    return QByteArray(bytes.data(), static_cast<int>(bytes.size()));
}

void writeBytes(const std::string& path, const QByteArray& bytes)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.constData(), bytes.size());
}

QByteArray readBytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return QByteArray(s.data(), static_cast<int>(s.size()));
}

// Empty when the result is the expected error naming the file and every part; else why not.
template <class T>
QString errorMismatch(const Result<T>& result, ErrorCode code, const std::string& path, const QStringList& parts)
{
    if (result.ok())
        return QStringLiteral("expected an error, got success");
    const Error& error = result.error();
    const QString text = QString::fromStdString(error.toString());
    if (error.code != code)
        return QStringLiteral("wrong code %1: %2").arg(QString::fromLatin1(errorCodeName(error.code)), text);
    if (!path.empty() && !text.contains(QString::fromStdString(path)))
        return QStringLiteral("path missing from: ") + text;
    for (const QString& part : parts)
        if (!text.contains(part))
            return QStringLiteral("'%1' missing from: %2").arg(part, text);
    return {};
}

} // namespace

class TestSafetensors : public QObject
{
    Q_OBJECT

private slots:
    void writeThenReadBack();
    void writtenLayoutMatchesFormat();
    void copiesShareTheMapping();
    void writeRejectsBadInput();
    void corruptFiles_data();
    void corruptFiles();
    void missingFileAndDirectory();
    void halfFloatFileUnaligned();
    void halfToFloat32();
    void bfloat16AndDoubleToFloat32();
    void integerDtypeDoesNotConvert();
    void shardedCheckpoint();
    void shardedErrors();
    void referenceFixture();

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)).toStdString(); }
};

void TestSafetensors::writeThenReadBack()
{
    const std::vector<float> a = {0.0f, 0.5f, -1.25f, 3.0f, 1e-7f, -65504.0f};
    const std::vector<float> b = {42.0f, -0.0f, 7.5f, 1.0f};
    const std::string file = path("round_trip.safetensors");
    auto written = SafetensorsFile::write(file,
                                          {{"layer.a", {2, 3}, a.data()},
                                           {"layer.b", {4}, b.data()},
                                           {"empty", {0, 3}, nullptr}},
                                          {{"format", "pt"}, {"note", "written by a test"}});
    QVERIFY2(written.ok(), written.error().toString().c_str());

    auto opened = SafetensorsFile::open(file);
    QVERIFY2(opened.ok(), opened.error().toString().c_str());
    const SafetensorsFile& st = opened.value();
    QCOMPARE(st.path(), file);
    QCOMPARE(st.tensors().size(), size_t(3));
    QCOMPARE(st.metadata().size(), size_t(2));
    QCOMPARE(st.metadata().at("format"), std::string("pt"));
    QCOMPARE(st.metadata().at("note"), std::string("written by a test"));

    const TensorView* va = st.find("layer.a");
    QVERIFY(va);
    QCOMPARE(va->dtype, DType::F32);
    QCOMPARE(va->shape, (std::vector<int64_t>{2, 3}));
    QCOMPARE(va->numel(), int64_t(6));
    QCOMPARE(va->nBytes, size_t(24));
    QCOMPARE(SafetensorsFile::toFloat32(*va), a);

    const TensorView* vb = st.find("layer.b");
    QVERIFY(vb);
    QCOMPARE(vb->shape, (std::vector<int64_t>{4}));
    const auto bValues = SafetensorsFile::toFloat32(*vb);
    QCOMPARE(bValues, b);
    QVERIFY(std::signbit(bValues[1])); // -0.0 kept bit for bit

    const TensorView* empty = st.find("empty");
    QVERIFY(empty);
    QCOMPARE(empty->shape, (std::vector<int64_t>{0, 3}));
    QCOMPARE(empty->numel(), int64_t(0));
    QCOMPARE(empty->nBytes, size_t(0));
    QVERIFY(SafetensorsFile::toFloat32(*empty).empty());

    QVERIFY(st.find("missing") == nullptr);
    QCOMPARE(std::string(dtypeName(DType::BF16)), std::string("BF16"));
    QCOMPARE(dtypeSize(DType::F64), size_t(8));
    QCOMPARE(dtypeSize(DType::BOOL), size_t(1));
}

void TestSafetensors::writtenLayoutMatchesFormat()
{
    // One tensor [1.0, -2.0]: IEEE bytes 00 00 80 3F and 00 00 00 C0, little-endian.
    const float values[] = {1.0f, -2.0f};
    const std::string file = path("layout.safetensors");
    QVERIFY(SafetensorsFile::write(file, {{"x", {2}, values}}).ok());
    const QByteArray bytes = readBytes(file);
    QVERIFY(bytes.size() > 16);
    uint64_t headerBytes = 0;
    for (int i = 7; i >= 0; --i)
        headerBytes = (headerBytes << 8) | static_cast<uint8_t>(bytes[i]);
    QCOMPARE((8 + headerBytes) % 8, uint64_t(0));
    QCOMPARE(uint64_t(bytes.size()), 8 + headerBytes + 8);

    // Parsed by Qt's JSON reader, an independent parser; trailing padding is spaces.
    const QByteArray header = bytes.mid(8, static_cast<int>(headerBytes));
    const int lastBrace = header.lastIndexOf('}');
    QVERIFY(lastBrace > 0);
    QCOMPARE(header.mid(lastBrace + 1), QByteArray(header.size() - lastBrace - 1, ' '));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(header, &parseError);
    QCOMPARE(parseError.error, QJsonParseError::NoError);
    const QJsonObject x = doc.object().value(QStringLiteral("x")).toObject();
    QCOMPARE(x.value(QStringLiteral("dtype")).toString(), QStringLiteral("F32"));
    QCOMPARE(x.value(QStringLiteral("shape")).toArray(), QJsonArray({2}));
    QCOMPARE(x.value(QStringLiteral("data_offsets")).toArray(), QJsonArray({0, 8}));
    QVERIFY(!doc.object().contains(QStringLiteral("__metadata__")));

    const QByteArray data = bytes.mid(static_cast<int>(8 + headerBytes));
    const QByteArray expected = QByteArray::fromHex("0000803f000000c0");
    QCOMPARE(data, expected);
}

void TestSafetensors::copiesShareTheMapping()
{
    const float values[] = {3.5f, -4.25f};
    const std::string file = path("shared.safetensors");
    QVERIFY(SafetensorsFile::write(file, {{"w", {2}, values}}).ok());

    std::shared_ptr<const void> owner;
    TensorView view;
    {
        auto opened = SafetensorsFile::open(file);
        QVERIFY(opened.ok());
        SafetensorsFile copy = opened.value();
        QCOMPARE(copy.find("w")->data, opened->find("w")->data); // one mapping, not two
        view = *copy.find("w");
        owner = copy.mappingOwner();
    }
    // Both SafetensorsFile objects are gone; the owner alone keeps the pages mapped.
    QVERIFY(owner);
    QCOMPARE(SafetensorsFile::toFloat32(view), (std::vector<float>{3.5f, -4.25f}));
}

void TestSafetensors::writeRejectsBadInput()
{
    const float v[] = {1.0f};
    const std::string file = path("bad_write.safetensors");
    QCOMPARE(SafetensorsFile::write(file, {{"a", {1}, v}, {"a", {1}, v}}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(SafetensorsFile::write(file, {{"a", {-1}, v}}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(SafetensorsFile::write(file, {{"a", {1}, nullptr}}).error().code, ErrorCode::InvalidArgument);
    QCOMPARE(SafetensorsFile::write(file, {{"__metadata__", {1}, v}}).error().code, ErrorCode::InvalidArgument);
    QVERIFY(!QFile::exists(QString::fromStdString(file)));

    const std::string noDir = path("no/such/dir/model.safetensors");
    const auto result = SafetensorsFile::write(noDir, {{"a", {1}, v}});
    QVERIFY(!result.ok());
    QVERIFY(QString::fromStdString(result.error().toString()).contains(QString::fromStdString(noDir)));
}

void TestSafetensors::corruptFiles_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("code");
    QTest::addColumn<QStringList>("parts");

    const int invalid = int(ErrorCode::InvalidFile);
    const std::string f32x2 = R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
    QTest::newRow("empty file") << QByteArray() << invalid << QStringList{"empty", "0 bytes"};
    QTest::newRow("truncated length") << QByteArray("\x10\x00\x00", 3) << invalid
                                      << QStringList{"too short", "3 bytes"};
    QTest::newRow("header length 0") << rawFile("", "{}") << invalid << QStringList{"header length is 0"};
    {
        const std::string bytes = le64(1000) + R"({"a":1})";
        QTest::newRow("header beyond file") << QByteArray(bytes.data(), int(bytes.size())) << invalid
                                            << QStringList{"exceeds the file size", "1000", "15"};
    }
    {
        const std::string bytes = le64(200'000'000) + "{}";
        QTest::newRow("header over 100 MB") << QByteArray(bytes.data(), int(bytes.size())) << invalid
                                            << QStringList{"100 MB", "200000000"};
    }
    QTest::newRow("not JSON") << rawFile(R"({"a": [1, 2)", "") << invalid << QStringList{"not valid JSON"};
    QTest::newRow("JSON array") << rawFile("[1,2,3]", "") << invalid << QStringList{"not a JSON object", "array"};
    QTest::newRow("unknown dtype")
        << rawFile(R"({"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}})", "ab") << int(ErrorCode::Unsupported)
        << QStringList{"F8_E4M3", "tensor 'w'"};
    QTest::newRow("missing dtype") << rawFile(R"({"w":{"shape":[2],"data_offsets":[0,8]}})", std::string(8, 'x'))
                                   << invalid << QStringList{"no dtype", "tensor 'w'"};
    QTest::newRow("shape size mismatch")
        << rawFile(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", std::string(8, 'x')) << invalid
        << QStringList{"do not match", "tensor 'w'", "needs 12 bytes", "hold 8"};
    QTest::newRow("negative dimension")
        << rawFile(R"({"w":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", std::string(8, 'x')) << invalid
        << QStringList{"non-negative", "tensor 'w'"};
    QTest::newRow("shape overflows")
        << rawFile(R"({"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}})", "") << invalid
        << QStringList{"too large", "tensor 'w'"};
    QTest::newRow("offsets beyond data")
        << rawFile(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", std::string(8, 'x')) << invalid
        << QStringList{"outside", "tensor 'w'", "[0, 16]", "8 bytes"};
    QTest::newRow("data truncated")
        << rawFile(R"({"w":)" + f32x2 + R"(,"v":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                   std::string(10, 'x'))
        << invalid << QStringList{"outside", "tensor 'v'"};
    QTest::newRow("begin after end")
        << rawFile(R"({"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", std::string(8, 'x')) << invalid
        << QStringList{"begin after", "tensor 'w'"};
    QTest::newRow("overlapping ranges")
        << rawFile(R"({"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":)" + f32x2 + "}",
                   std::string(12, 'x'))
        << invalid << QStringList{"overlap", "tensor 'a'", "tensor 'b'"};
    QTest::newRow("duplicate tensor") << rawFile(R"({"a":)" + f32x2 + R"(,"a":)" + f32x2 + "}", std::string(8, 'x'))
                                      << invalid << QStringList{"twice", "tensor 'a'"};
    QTest::newRow("metadata not strings") << rawFile(R"({"__metadata__":{"step":3}})", "") << invalid
                                          << QStringList{"__metadata__", "step"};
}

void TestSafetensors::corruptFiles()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, code);
    QFETCH(QStringList, parts);
    const std::string file = path("corrupt.safetensors");
    writeBytes(file, bytes);
    const auto result = SafetensorsFile::open(file);
    const QString problem = errorMismatch(result, ErrorCode(code), file, parts);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(result.error().path, file);
}

void TestSafetensors::missingFileAndDirectory()
{
    const std::string missing = path("does_not_exist.safetensors");
    QString problem = errorMismatch(SafetensorsFile::open(missing), ErrorCode::FileNotFound, missing, {"not found"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const std::string dir = m_dir.path().toStdString();
    problem = errorMismatch(SafetensorsFile::open(dir), ErrorCode::InvalidFile, dir, {"not a regular file"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestSafetensors::halfFloatFileUnaligned()
{
    // 111-byte header, so the data starts at byte 119: every tensor is misaligned.
    const std::string header = R"({"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},)"
                               R"("i":{"dtype":"I64","shape":[1],"data_offsets":[8,16]}} )";
    QCOMPARE(header.size() % 2, size_t(1));
    const std::string data = std::string("\x00\x3c\x00\xc0\xff\x7b\x01\x00", 8) + le64(7);
    const std::string file = path("half.safetensors");
    writeBytes(file, rawFile(header, data));

    auto opened = SafetensorsFile::open(file);
    QVERIFY2(opened.ok(), opened.error().toString().c_str());
    QCOMPARE(opened->tensors().size(), size_t(2));
    QCOMPARE(opened->tensors()[0].name, std::string("h")); // file order
    const TensorView& h = opened->tensors()[0];
    QCOMPARE(h.dtype, DType::F16);
    QCOMPARE(h.shape, (std::vector<int64_t>{2, 2}));
    QCOMPARE(SafetensorsFile::toFloat32(h), (std::vector<float>{1.0f, -2.0f, 65504.0f, 5.960464477539063e-08f}));

    const TensorView* i = opened->find("i");
    QVERIFY(i);
    QCOMPARE(i->dtype, DType::I64);
    int64_t value = 0;
    std::memcpy(&value, i->data, sizeof value);
    QCOMPARE(value, int64_t(7));
}

void TestSafetensors::halfToFloat32()
{
    // Bits and values checked with numpy.float16.
    const std::vector<uint16_t> bits = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8001, 0x03FF,
                                        0x0400, 0x3555, 0x8000, 0x7C00, 0xFC00, 0x7E00};
    std::vector<std::byte> buffer(1 + 2 * bits.size());
    for (size_t k = 0; k < bits.size(); ++k) { // little-endian, at an odd address
        buffer[1 + 2 * k] = std::byte(bits[k] & 0xff);
        buffer[2 + 2 * k] = std::byte(bits[k] >> 8);
    }
    TensorView view;
    view.name = "half";
    view.dtype = DType::F16;
    view.shape = {int64_t(bits.size())};
    view.data = buffer.data() + 1;
    view.nBytes = 2 * bits.size();
    const auto f = SafetensorsFile::toFloat32(view);
    QCOMPARE(f.size(), bits.size());
    // Exact comparison (QCOMPARE on single floats would be fuzzy).
    const std::vector<float> finite(f.begin(), f.begin() + 8);
    const std::vector<float> expected = {1.0f,
                                         -2.0f,
                                         65504.0f,
                                         std::ldexp(1.0f, -24), // smallest subnormal
                                         -std::ldexp(1.0f, -24),
                                         1023.0f * std::ldexp(1.0f, -24), // largest subnormal
                                         std::ldexp(1.0f, -14),           // smallest normal
                                         0.333251953125f};
    QCOMPARE(finite, expected);
    QCOMPARE(double(f[5]), 6.097555160522461e-05);
    QVERIFY(f[8] == 0.0f && std::signbit(f[8]));
    QVERIFY(std::isinf(f[9]) && f[9] > 0);
    QVERIFY(std::isinf(f[10]) && f[10] < 0);
    QVERIFY(std::isnan(f[11]));
}

void TestSafetensors::bfloat16AndDoubleToFloat32()
{
    const uint8_t bf16[] = {0x00, 0x80, 0x3F, 0x49, 0x40, 0xF7, 0xC2, 0x01, 0x00}; // odd start
    TensorView view;
    view.name = "bf";
    view.dtype = DType::BF16;
    view.shape = {4};
    view.data = reinterpret_cast<const std::byte*>(bf16) + 1;
    view.nBytes = 8;
    const auto f = SafetensorsFile::toFloat32(view);
    QCOMPARE(f, (std::vector<float>{1.0f, 3.140625f, -123.5f, 9.183549615799121e-41f}));

    const double d[] = {0.1, -3.5, 1e-50};
    std::vector<std::byte> buffer(1 + sizeof d);
    std::memcpy(buffer.data() + 1, d, sizeof d);
    view.dtype = DType::F64;
    view.shape = {3};
    view.data = buffer.data() + 1;
    view.nBytes = sizeof d;
    const auto g = SafetensorsFile::toFloat32(view);
    QCOMPARE(g, (std::vector<float>{0.10000000149011612f, -3.5f, 0.0f}));
}

void TestSafetensors::integerDtypeDoesNotConvert()
{
    const int64_t values[] = {1, 2};
    TensorView view;
    view.name = "ids";
    view.dtype = DType::I64;
    view.shape = {2};
    view.data = reinterpret_cast<const std::byte*>(values);
    view.nBytes = sizeof values;
    bool thrown = false;
    try {
        SafetensorsFile::toFloat32(view);
    } catch (const ErrorException& e) {
        thrown = true;
        QCOMPARE(e.error().code, ErrorCode::Unsupported);
        QVERIFY(e.error().toString().find("I64") != std::string::npos);
        QVERIFY(e.error().toString().find("ids") != std::string::npos);
    }
    QVERIFY(thrown);
}

void TestSafetensors::shardedCheckpoint()
{
    QTemporaryDir dir;
    const auto at = [&](const char* name) { return dir.filePath(QString::fromLatin1(name)).toStdString(); };
    const float a[] = {1.0f, 2.0f, 3.0f};
    const float b[] = {-1.0f};
    const float c[] = {0.25f, 0.5f};
    QVERIFY(SafetensorsFile::write(at("model-00001-of-00002.safetensors"), {{"a", {3}, a}}).ok());
    QVERIFY(SafetensorsFile::write(at("model-00002-of-00002.safetensors"), {{"b", {1, 1}, b}, {"c", {2}, c}}).ok());
    writeBytes(at("model.safetensors.index.json"),
               R"({"metadata":{"total_size":24},"weight_map":{"a":"model-00001-of-00002.safetensors",)"
               R"("b":"model-00002-of-00002.safetensors","c":"model-00002-of-00002.safetensors"}})");

    auto shards = openShardedSafetensors(at("model.safetensors.index.json"));
    QVERIFY2(shards.ok(), shards.error().toString().c_str());
    QCOMPARE(shards->size(), size_t(2));
    const SafetensorsFile& first = shards.value()[0];
    const SafetensorsFile& second = shards.value()[1];
    QCOMPARE(first.path(), at("model-00001-of-00002.safetensors"));
    QCOMPARE(first.tensors().size(), size_t(1));
    QCOMPARE(SafetensorsFile::toFloat32(*first.find("a")), (std::vector<float>{1.0f, 2.0f, 3.0f}));
    QCOMPARE(second.tensors().size(), size_t(2));
    QCOMPARE(second.find("b")->shape, (std::vector<int64_t>{1, 1}));
    QCOMPARE(SafetensorsFile::toFloat32(*second.find("c")), (std::vector<float>{0.25f, 0.5f}));
}

void TestSafetensors::shardedErrors()
{
    QTemporaryDir dir;
    const auto at = [&](const char* name) { return dir.filePath(QString::fromLatin1(name)).toStdString(); };
    const float a[] = {1.0f};
    QVERIFY(SafetensorsFile::write(at("shard1.safetensors"), {{"a", {1}, a}}).ok());
    QVERIFY(SafetensorsFile::write(at("shard2.safetensors"), {{"a", {1}, a}}).ok());
    const std::string index = at("index.json");

    writeBytes(index, R"({"weight_map":{"a":"shard1.safetensors","b":"shard3.safetensors"}})");
    QString problem = errorMismatch(openShardedSafetensors(index), ErrorCode::FileNotFound, at("shard3.safetensors"),
                                    {"not found", "index.json"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    writeBytes(index, R"({"weight_map":{"a":"shard1.safetensors","zzz":"shard1.safetensors"}})");
    problem = errorMismatch(openShardedSafetensors(index), ErrorCode::InvalidFile, index,
                            {"missing from its shard", "tensor 'zzz'", "shard1.safetensors"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    writeBytes(index, R"({"weight_map":{"a":"shard1.safetensors","b":"shard2.safetensors"}})");
    problem = errorMismatch(openShardedSafetensors(index), ErrorCode::InvalidFile, index,
                            {"missing from its shard", "tensor 'b'"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    writeBytes(index, R"({"weight_map":{"a":"shard1.safetensors","x":"shard2.safetensors"}})");
    problem = errorMismatch(openShardedSafetensors(index), ErrorCode::InvalidFile, index, {"missing from its shard"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    writeBytes(index, R"({"metadata":{}})");
    problem = errorMismatch(openShardedSafetensors(index), ErrorCode::InvalidFile, index, {"weight_map"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    writeBytes(index, "{\"weight_map\":");
    problem = errorMismatch(openShardedSafetensors(index), ErrorCode::InvalidFile, index, {"not valid JSON"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    writeBytes(index, R"({"weight_map":{"a":"../shard1.safetensors"}})");
    problem = errorMismatch(openShardedSafetensors(index), ErrorCode::InvalidFile, index, {"inside"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    const std::string missing = at("nope.json");
    problem = errorMismatch(openShardedSafetensors(missing), ErrorCode::FileNotFound, missing, {"not found"});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void TestSafetensors::referenceFixture()
{
    const QString file = QStringLiteral(HEADSCOPE_FIXTURES_DIR "/reference/tiny_bert/model.safetensors");
    if (!QFile::exists(file))
        QSKIP("reference fixtures not found (HEADSCOPE_FIXTURES_DIR)");
    auto opened = SafetensorsFile::open(file.toStdString());
    QVERIFY2(opened.ok(), opened.error().toString().c_str());

    // Expected values read from the header and data with python3's json and numpy.
    QCOMPARE(opened->tensors().size(), size_t(74));
    int nF32 = 0;
    for (const auto& t : opened->tensors()) {
        if (t.dtype == DType::F32)
            ++nF32;
        else
            QCOMPARE(t.name, std::string("bert.embeddings.position_ids"));
    }
    QCOMPARE(nF32, 73);
    QCOMPARE(opened->metadata().at("format"), std::string("pt"));

    const TensorView* ids = opened->find("bert.embeddings.position_ids");
    QVERIFY(ids);
    QCOMPARE(ids->dtype, DType::I64);
    QCOMPARE(ids->shape, (std::vector<int64_t>{1, 128}));
    int64_t fifth = 0;
    std::memcpy(&fifth, ids->data + 4 * sizeof(int64_t), sizeof fifth);
    QCOMPARE(fifth, int64_t(4));

    QCOMPARE(opened->find("bert.embeddings.word_embeddings.weight")->shape, (std::vector<int64_t>{195, 64}));
    QCOMPARE(opened->find("bert.encoder.layer.0.intermediate.dense.weight")->shape, (std::vector<int64_t>{128, 64}));
    QCOMPARE(opened->find("classifier.weight")->shape, (std::vector<int64_t>{2, 64}));

    const TensorView* query = opened->find("bert.encoder.layer.0.attention.self.query.weight");
    QVERIFY(query);
    QCOMPARE(query->nBytes, size_t(16384));
    const auto q = SafetensorsFile::toFloat32(*query);
    QCOMPARE(std::vector<float>(q.begin(), q.begin() + 3),
             (std::vector<float>{0.2215164750814438f, 0.06554985046386719f, 0.04391056299209595f}));
    double sum = 0.0;
    for (float v : q)
        sum += v;
    QVERIFY(std::abs(sum - (-13.114582923677517)) < 1e-9);
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
