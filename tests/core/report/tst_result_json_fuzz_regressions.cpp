// Inputs found while fuzzing the result readers (tests/fuzz/fuzz_result_json.cpp): integers
// written as floats or out of range. nlohmann's get<int>() cast 1e30 to an integer (undefined
// behaviour: UBSan stops there, a plain build read garbage); now each is an InvalidFile error
// naming the result and the problem.
#include "report/result_json.h"

#include <QtTest>

#include <string>

using namespace headscope::core;
namespace report = headscope::core::report;

namespace {

// The stream line of `eval --stream` with one field replaced.
report::Json streamLine(const char* key, const report::Json& value)
{
    report::Json j = report::Json::parse(
        R"({"done":8,"total":8,"labelled":8,"population":8,"n_correct":4,"delta":null})");
    j[key] = value;
    return j;
}

void expectMalformed(const Error& error, const std::string& what, const std::string& detail)
{
    QCOMPARE(error.code, ErrorCode::InvalidFile);
    QCOMPARE(error.message, "malformed " + what + " result");
    QCOMPARE(error.detail, detail);
}

} // namespace

class TestResultJsonFuzzRegressions : public QObject
{
    Q_OBJECT

private slots:
    void integersAreChecked()
    {
        // The unchanged line reads back (the check refuses only what it should).
        auto ok = report::evalPartialFromJson(streamLine("done", 8));
        QVERIFY(ok);
        QCOMPARE(ok->nDone, int64_t(8));
        QCOMPARE(ok->nCorrect, int64_t(4));

        auto floatDone = report::evalPartialFromJson(streamLine("done", 1e30));
        QVERIFY(!floatDone);
        expectMalformed(floatDone.error(), "evaluation stream", "expected an integer, found number");

        auto text = report::evalPartialFromJson(streamLine("total", "8"));
        QVERIFY(!text);
        expectMalformed(text.error(), "evaluation stream", "expected an integer, found string");
    }

    void rangesAreChecked()
    {
        // 2^31 does not fit an int (a layer index), 2^64 - 1 does not fit int64_t.
        report::Json view = report::Json::parse(R"({"example":0,"layer":2147483648})");
        auto layer = report::attentionFromJson(view);
        QVERIFY(!layer);
        expectMalformed(layer.error(), "attention", "integer 2147483648 is out of range");

        auto huge = report::evalPartialFromJson(streamLine("n_correct", report::Json::parse("18446744073709551615")));
        QVERIFY(!huge);
        expectMalformed(huge.error(), "evaluation stream", "integer 18446744073709551615 is out of range");

        auto negative = report::evalPartialFromJson(streamLine("labelled", -3));
        QVERIFY(negative); // a count the reader does not bound: the value is kept as written
        QCOMPARE(negative->nLabelled, int64_t(-3));
    }

    void integerListsAreChecked()
    {
        report::Json eval = report::Json::parse(R"({
            "accuracy": {"n": 2, "n_correct": 1}, "mean_loss": null,
            "latency": {"mean_batch_ms": 1.0, "ms_per_example": 0.5, "examples_per_second": 2000.0,
                        "n_batches": 1, "total_seconds": 0.001},
            "predictions": [1, 0.5], "coverage": "all"})");
        auto r = report::evaluationFromJson(eval);
        QVERIFY(!r);
        expectMalformed(r.error(), "evaluation", "expected an integer, found number");
    }
};

QTEST_GUILESS_MAIN(TestResultJsonFuzzRegressions)
#include "tst_result_json_fuzz_regressions.moc"
