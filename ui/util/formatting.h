#pragma once
// Number formatting shared by every page, so that all of them read the same way.
#include <QString>

namespace headscope::ui::format {

/// 0.8119 -> "81.19 %"
QString percent(double fraction, int decimals = 2);
/// Difference of two fractions in percentage points with an explicit sign: "+1.25 pts", "−0.80 pts".
QString deltaPoints(double fractionDelta, int decimals = 2);
/// The same number without the unit: "+1.25", "−0.80", "0.00" (interval bounds after a delta).
QString signedPoints(double fractionDelta, int decimals = 2);
/// 4386306 -> "4.39 M"; below 10,000 as the plain number.
QString count(qint64 n);
/// Bytes as "17.5 MB" (powers of 1000, as file managers show them).
QString bytes(qint64 n);
/// Milliseconds as "850 ms", "12.3 s", "2 min 05 s".
QString duration(qint64 ms);
/// Latency per example: "0.412 ms" (three significant digits).
QString milliseconds(double ms);
/// "2,210 /s"
QString rate(double perSecond);
/// A positive quantity with thousands separators: "2,210", "69.4".
QString number(double value);

} // namespace headscope::ui::format
