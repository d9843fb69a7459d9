// Matrix mask formats: CSV and NumPy .npy. The .npy inputs are the bytes numpy 1.24 wrote now
// (np.save into a BytesIO, then .hex()) for the arrays named above each literal.
#include "mask/mask_file.h"
#include "mask_checks.h"

#include <QByteArray>
#include <QtTest>

using namespace headscope::core;
using namespace headscope::testing;

namespace {

// --- .npy files written by numpy (hex of the file bytes) -----------------------------------------
// np.save(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], dtype='<f4'))
const char kNpyF4[] =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73"
    "652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a0000803f000000000000803f00000000"
    "0000803f0000803f";
// np.save(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], dtype='<f8'))
const char kNpyF8[] =
    "934e554d5059010076007b276465736372273a20273c6638272c2027666f727472616e5f6f72646572273a2046616c73"
    "652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a000000000000f03f0000000000000000"
    "000000000000f03f0000000000000000000000000000f03f000000000000f03f";
// np.save(np.array([[1, 0, 1], [0, 1, 1]], dtype='|u1'))
const char kNpyU1[] =
    "934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a2046616c73"
    "652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a010001000101";
// np.save(np.array([[True, False, True], [False, True, True]], dtype='|b1'))
const char kNpyB1[] =
    "934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f6f72646572273a2046616c73"
    "652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a010001000101";
// np.save(np.array([[1, 0, 1], [0, 1, 1]], dtype='<i8'))
const char kNpyI8[] =
    "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73"
    "652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a01000000000000000000000000000000"
    "0100000000000000000000000000000001000000000000000100000000000000";
// np.save(np.array([[1, 0, 1], [0, 1, 1]], dtype='<i4'))
const char kNpyI4[] =
    "934e554d5059010076007b276465736372273a20273c6934272c2027666f727472616e5f6f72646572273a2046616c73"
    "652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a01000000000000000100000000000000"
    "0100000001000000";
// np.save(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], dtype='<f4'), Fortran order)
const char kNpyFortran[] =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2054727565"
    "2c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a0000803f00000000000000000000803f"
    "0000803f0000803f";
// np.save(np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]], dtype='>f4'))
const char kNpyBigEndian[] =
    "934e554d5059010076007b276465736372273a20273e6634272c2027666f727472616e5f6f72646572273a2046616c73"
    "652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a3f800000000000003f80000000000000"
    "3f8000003f800000";
// np.save(np.array([1.0, 0.0, 1.0], dtype='<f4'))
const char kNpy1d[] =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73"
    "652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a0000803f000000000000803f";
// np.save(np.array([[1.0, 0.5], [1.0, 1.0]], dtype='<f4'))
const char kNpyHalf[] =
    "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73"
    "652c20277368617065273a2028322c2032292c207d202020202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a0000803f0000003f0000803f0000803f";
// np.lib.format.write_array(f, np.array([[1, 0, 1], [0, 1, 1]], dtype='<f4'), version=(2, 0))
const char kNpyV2[] =
    "934e554d50590200740000007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a204661"
    "6c73652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020"
    "202020202020202020202020202020202020202020202020202020202020200a0000803f000000000000803f00000000"
    "0000803f0000803f";

std::string fromHex(const char* hex)
{
    const QByteArray bytes = QByteArray::fromHex(QByteArray(hex));
    return std::string(bytes.constData(), size_t(bytes.size()));
}

} // namespace

class TestMaskMatrix : public QObject
{
    Q_OBJECT

private slots:
    void csvHandWritten();
    void npyFromNumpy_data();
    void npyFromNumpy();
    void npyWriterMatchesNumpy();
    void npyRefused();
};

void TestMaskMatrix::csvHandWritten()
{
    const HeadMask expected = maskWithPruned(2, 3, {{0, 1}, {1, 0}});
    auto plain = maskFromCsv("1,0,1\n0,1,1\n", "m.csv");
    QVERIFY(plain.ok());
    QVERIFY(sameMask(plain->masks.at(AttentionType::EncoderSelf), expected));
    QCOMPARE(plain->nLayers, 2);
    QCOMPARE(plain->nHeads, 3);

    auto floats = maskFromCsv("1.0, 0.0, 1.0\r\n0.0,1.0,1.000\r\n\r\n", "m.csv");
    QVERIFY(floats.ok());
    QVERIFY(sameMask(floats->masks.at(AttentionType::EncoderSelf), expected));

    QCOMPARE(maskToCsv(expected), std::string("1,0,1\n0,1,1\n"));

    QVERIFY(
        isError(maskFromCsv("1,0,1\n0,1\n", "r.csv"), ErrorCode::InvalidFile, "r.csv", {"ragged", "line 2"}));
    QVERIFY(isError(maskFromCsv("1,0.5\n", "v.csv"), ErrorCode::InvalidFile, "v.csv", {"0.5"}));
    QVERIFY(isError(maskFromCsv("1,2\n", "v.csv"), ErrorCode::InvalidFile, "v.csv", {"'2'"}));
    QVERIFY(isError(maskFromCsv("\n\n", "e.csv"), ErrorCode::InvalidFile, "e.csv", {"no rows"}));
}

void TestMaskMatrix::npyFromNumpy_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::newRow("<f4") << QByteArray(kNpyF4);
    QTest::newRow("<f8") << QByteArray(kNpyF8);
    QTest::newRow("|u1") << QByteArray(kNpyU1);
    QTest::newRow("|b1") << QByteArray(kNpyB1);
    QTest::newRow("<i8") << QByteArray(kNpyI8);
    QTest::newRow("<i4") << QByteArray(kNpyI4);
    QTest::newRow("v2.0") << QByteArray(kNpyV2);
}

void TestMaskMatrix::npyFromNumpy()
{
    QFETCH(QByteArray, hex);
    auto set = maskFromNpy(fromHex(hex.constData()), "m.npy");
    QVERIFY2(set.ok(), set.ok() ? "" : set.error().toString().c_str());
    QCOMPARE(set->nLayers, 2);
    QCOMPARE(set->nHeads, 3);
    // [[1, 0, 1], [0, 1, 1]]: layer 0 head 1 and layer 1 head 0 are pruned.
    QVERIFY(sameMask(set->masks.at(AttentionType::EncoderSelf), maskWithPruned(2, 3, {{0, 1}, {1, 0}})));
}

void TestMaskMatrix::npyWriterMatchesNumpy()
{
    // Byte for byte what np.save writes for the same float32 array.
    QCOMPARE(maskToNpy(maskWithPruned(2, 3, {{0, 1}, {1, 0}})), fromHex(kNpyF4));
}

void TestMaskMatrix::npyRefused()
{
    QVERIFY(
        isError(maskFromNpy(fromHex(kNpyFortran), "f.npy"), ErrorCode::Unsupported, "f.npy", {"Fortran"}));
    QVERIFY(isError(maskFromNpy(fromHex(kNpyBigEndian), "b.npy"), ErrorCode::Unsupported, "b.npy",
                    {"big-endian"}));
    QVERIFY(isError(maskFromNpy(fromHex(kNpy1d), "1d.npy"), ErrorCode::InvalidFile, "1d.npy", {"2-D"}));
    QVERIFY(isError(maskFromNpy(fromHex(kNpyHalf), "h.npy"), ErrorCode::InvalidFile, "h.npy",
                    {"0.5", "layer 0, head 1"}));
    std::string truncated = fromHex(kNpyF4);
    truncated.resize(truncated.size() - 3);
    QVERIFY(
        isError(maskFromNpy(truncated, "t.npy"), ErrorCode::InvalidFile, "t.npy", {"truncated", "24 bytes"}));
    QVERIFY(isError(maskFromNpy(fromHex(kNpyF4).substr(0, 40), "t.npy"), ErrorCode::InvalidFile, "t.npy",
                    {"truncated"}));
    QVERIFY(isError(maskFromNpy("1,0\n0,1\n", "x.npy"), ErrorCode::InvalidFile, "x.npy", {"not a .npy"}));
    std::string badHeader = fromHex(kNpyF4);
    badHeader.replace(badHeader.find("False"), 5, "Flase");
    QVERIFY(isError(maskFromNpy(badHeader, "h.npy"), ErrorCode::InvalidFile, "h.npy", {"Flase"}));
}

QTEST_GUILESS_MAIN(TestMaskMatrix)
#include "tst_mask_matrix.moc"
