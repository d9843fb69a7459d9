#pragma once
// Analysis results as files (File > Export): one JSON document in the CLI's schema (the same
// objects from core/report, so a result exported here reads like `headscope-cli ... --json`), or
// CSV tables, one per result.
//
//   auto files = resultexport::writeResults(*analysis, dir, resultexport::Format::Csv);
#include "analysis/importance.h"
#include "jobs/analysis_results.h"
#include "report/json_text.h"
#include "util/result.h"

#include <QByteArray>
#include <QStringList>

namespace headscope::ui {

class AnalysisController;

namespace resultexport {

enum class Format
{
    Csv,
    Json
};

/// "layer,head_0,head_1,..." then one row per layer; NaN as an empty field.
QByteArray matrixCsv(const core::Matrix& m);
/// One row per point: order, percent, n_pruned, accuracy, ci_low, ci_high, parameters, descriptor.
QByteArray curvesCsv(const core::PruneCurveSet& curves);
/// One row per measurement, with the speed-up over the original at the same shape.
QByteArray latencyCsv(const core::LatencyResult& latency);
/// layer, head, value on A, value on B (single-head delta or normalised importance).
QByteArray compareCsv(const core::CompareResult& compare);

/// One table as CSV, named as the pages name their views: "importance", "importance-raw",
/// "ablation", "keep-one" (accuracy deltas), "entropy", "curves", "latency", "compare". Empty
/// when that result has not been computed.
QByteArray tableCsv(const AnalysisController& analysis, const QString& table);
/// Writes tableCsv to path (one file); an error names the file, or says the table is empty.
core::Result<bool> writeTableCsv(const AnalysisController& analysis, const QString& table, const QString& path);

/// Every result the controller holds under "results", with the envelope of the session's model,
/// dataset and mask ("command": "export").
core::report::Json resultsJson(const AnalysisController& analysis);
/// True when the controller holds at least one result.
bool hasResults(const AnalysisController& analysis);

/// Csv: one file per result in the folder dir (created); Json: one file at path. Returns the
/// files written; an error names the file that could not be written.
core::Result<QStringList> writeResults(const AnalysisController& analysis, const QString& path,
                                       Format format);

} // namespace resultexport
} // namespace headscope::ui
