// Writing F16 safetensors: float32 -> binary16 rounding (nearest even) checked against
// bit patterns worked out by hand from the IEEE 754 layout, and the file read back.
#include "io/half_float.h"
#include "io/safetensors_file.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace headscope::core;

class TestHalfFloatWrite : public QObject
{
    Q_OBJECT

private slots:
    void rounding_data()
    {
        QTest::addColumn<float>("value");
        QTest::addColumn<int>("bits");
        QTest::newRow("one") << 1.0f << 0x3C00;             // exponent 15, mantissa 0
        QTest::newRow("minus two") << -2.0f << 0xC000;
        QTest::newRow("0.1") << 0.1f << 0x2E66;             // 1.6 * 2^-4: mantissa 0.6 * 1024 = 614.4 -> 614
        QTest::newRow("1/3") << float(1.0 / 3.0) << 0x3555; // 1.333 * 2^-2: 341.33 -> 341
        QTest::newRow("max") << 65504.0f << 0x7BFF;
        QTest::newRow("tie to inf") << 65520.0f << 0x7C00;  // halfway to 65536, rounds to even (up)
        QTest::newRow("below tie") << 65519.0f << 0x7BFF;
        QTest::newRow("tie to even down") << 1.0f + 0x1.0p-11f << 0x3C00; // halfway between 1 and 1 + 2^-10
        QTest::newRow("tie to even up") << 1.0f + 3 * 0x1.0p-11f << 0x3C02;
        QTest::newRow("smallest subnormal") << 0x1.0p-24f << 0x0001;
        QTest::newRow("half of it") << 0x1.0p-25f << 0x0000;          // tie, even is 0
        QTest::newRow("just above half") << 0x1.2p-25f << 0x0001;
        QTest::newRow("subnormal 3") << 3 * 0x1.0p-24f << 0x0003;
        QTest::newRow("largest subnormal") << 1023 * 0x1.0p-24f << 0x03FF;
        QTest::newRow("smallest normal") << 0x1.0p-14f << 0x0400;
        QTest::newRow("minus zero") << -0.0f << 0x8000;
        QTest::newRow("inf") << std::numeric_limits<float>::infinity() << 0x7C00;
    }

    void rounding()
    {
        QFETCH(float, value);
        QFETCH(int, bits);
        QCOMPARE(int(floatToHalf(value)), bits);
    }

    void nanStaysNan()
    {
        const uint16_t h = floatToHalf(std::numeric_limits<float>::quiet_NaN());
        QCOMPARE(h & 0x7C00, 0x7C00);
        QVERIFY((h & 0x03FF) != 0);
    }

    void writeAndReadBack()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("h.safetensors").toStdString();
        const float a[] = {1.0f, 0.1f, -2.0f, 65504.0f, 0x1.0p-24f, 0.0f};
        const float b[] = {0.5f, 3.0f};
        std::vector<SafetensorsFile::WriteTensor> tensors(2);
        tensors[0] = {"a", {2, 3}, a, DType::F16};
        tensors[1] = {"b", {2}, b, DType::F32};
        const auto written = SafetensorsFile::write(path, tensors);
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().toString().c_str());
        const auto file = SafetensorsFile::open(path);
        QVERIFY(file.ok());
        const TensorView* va = file->find("a");
        QCOMPARE(va->dtype, DType::F16);
        QCOMPARE(va->nBytes, size_t(12));
        uint16_t first;
        std::memcpy(&first, va->data, 2);
        QCOMPARE(int(first), 0x3C00);
        const auto back = SafetensorsFile::toFloat32(*va);
        // 0x2E66 is 1 + 614/1024 times 2^-4.
        const std::vector<float> expected = {1.0f, (1.0f + 614.0f / 1024.0f) / 16.0f, -2.0f, 65504.0f, 0x1.0p-24f, 0.0f};
        QCOMPARE(back, expected);
        QCOMPARE(file->find("b")->dtype, DType::F32);
        QCOMPARE(SafetensorsFile::toFloat32(*file->find("b")), (std::vector<float>{0.5f, 3.0f}));

        tensors[1].dtype = DType::BF16;
        QVERIFY(!SafetensorsFile::write(path, tensors).ok()); // F32 and F16 only
    }
};

QTEST_GUILESS_MAIN(TestHalfFloatWrite)
#include "tst_half_float_write.moc"
