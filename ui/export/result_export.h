#pragma once
// Analysis results as files: CSV tables (one per result) or one JSON document whose keys
// follow the CLI's (snake_case, [layer][head] matrices keyed by attention type, NaN as null).
//
//   auto files = resultexport::writeResults(*analysis, dir, resultexport::Format::Csv);
#include "analysis/importance.h"
#include "util/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace headscope::ui {

class AnalysisController;
struct CompareResults;
struct CurveResults;
struct LatencyResults;

namespace resultexport {

enum class Format
{
    Csv,
    Json
};

/// "layer,head_0,head_1,..." then one row per layer; NaN as an empty field.
QByteArray matrixCsv(const core::Matrix& m);
/// One row per point: order, percent, n_pruned, accuracy, ci_low, ci_high, n_parameters, descriptor.
QByteArray curvesCsv(const CurveResults& curves);
/// One row per measurement, with the speed-up over the original at the same shape.
QByteArray latencyCsv(const LatencyResults& latency);
/// layer, head, value on A, value on B.
QByteArray compareCsv(const CompareResults& compare);

/// Every result the controller holds, as one object.
QJsonObject resultsJson(const AnalysisController& analysis);
/// True when the controller holds at least one result.
bool hasResults(const AnalysisController& analysis);

/// Csv: one file per result in the folder dir (created); Json: one file at path. Returns the
/// files written; an error names the file that could not be written.
core::Result<QStringList> writeResults(const AnalysisController& analysis, const QString& path,
                                       Format format);

} // namespace resultexport
} // namespace headscope::ui
