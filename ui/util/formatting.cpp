#include "util/formatting.h"

#include <QLocale>

#include <cmath>

namespace headscope::ui::format {

QString percent(double fraction, int decimals)
{
    if (!std::isfinite(fraction))
        return QStringLiteral("–");
    return QString::number(fraction * 100.0, 'f', decimals) + QStringLiteral(" %");
}

QString signedPoints(double fractionDelta, int decimals)
{
    if (!std::isfinite(fractionDelta))
        return QStringLiteral("–");
    const double points = fractionDelta * 100.0;
    const QString magnitude = QString::number(std::abs(points), 'f', decimals);
    // A rounded zero gets no sign; a real minus sign reads better than a hyphen.
    QString sign;
    if (magnitude.toDouble() != 0.0)
        sign = points > 0 ? QStringLiteral("+") : QString(QChar(0x2212));
    return sign + magnitude;
}

QString deltaPoints(double fractionDelta, int decimals)
{
    if (!std::isfinite(fractionDelta))
        return QStringLiteral("–");
    return signedPoints(fractionDelta, decimals) + QStringLiteral(" pts");
}

QString count(qint64 n)
{
    const double a = std::abs(double(n));
    if (a < 10000)
        return QString::number(n);
    if (a < 1e6)
        return QString::number(double(n) / 1e3, 'f', 1) + QStringLiteral(" k");
    if (a < 1e9)
        return QString::number(double(n) / 1e6, 'f', 2) + QStringLiteral(" M");
    return QString::number(double(n) / 1e9, 'f', 2) + QStringLiteral(" G");
}

QString bytes(qint64 n)
{
    const double a = double(n);
    if (a < 1e3)
        return QString::number(n) + QStringLiteral(" B");
    if (a < 1e6)
        return QString::number(a / 1e3, 'f', 1) + QStringLiteral(" kB");
    if (a < 1e9)
        return QString::number(a / 1e6, 'f', 1) + QStringLiteral(" MB");
    return QString::number(a / 1e9, 'f', 2) + QStringLiteral(" GB");
}

QString duration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("–");
    if (ms < 1000)
        return QString::number(ms) + QStringLiteral(" ms");
    if (ms < 60000)
        return QString::number(double(ms) / 1000.0, 'f', 1) + QStringLiteral(" s");
    const qint64 s = ms / 1000;
    return QString::number(s / 60) + QStringLiteral(" min ") + QStringLiteral("%1 s").arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString milliseconds(double ms)
{
    if (!std::isfinite(ms) || ms <= 0)
        return QStringLiteral("–");
    const int decimals = ms >= 100 ? 0 : ms >= 10 ? 1 : ms >= 1 ? 2 : 3;
    return QString::number(ms, 'f', decimals) + QStringLiteral(" ms");
}

QString rate(double perSecond)
{
    if (!std::isfinite(perSecond) || perSecond <= 0)
        return QStringLiteral("–");
    return number(perSecond) + QStringLiteral(" /s");
}

QString number(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("–");
    const QLocale english(QLocale::English);
    return english.toString(value, 'f', std::abs(value) >= 100 ? 0 : 1);
}

} // namespace headscope::ui::format
