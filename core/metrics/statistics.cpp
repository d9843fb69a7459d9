#include "metrics/statistics.h"

#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <numeric>

namespace headscope::core {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool allFinite(const std::vector<double>& v)
{
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

std::vector<double> toDoubles(const std::vector<uint8_t>& v)
{
    std::vector<double> out(v.size());
    for (size_t i = 0; i < v.size(); ++i)
        out[i] = v[i] ? 1.0 : 0.0;
    return out;
}

double mean(const std::vector<double>& v)
{
    return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

} // namespace

Interval wilsonInterval(int64_t successes, int64_t n, double z)
{
    if (n <= 0) return {0.0, 1.0};
    successes = std::clamp<int64_t>(successes, 0, n);
    const double nd = double(n);
    const double p = double(successes) / nd;
    const double z2 = z * z;
    const double denom = 1.0 + z2 / nd;
    const double centre = (p + z2 / (2.0 * nd)) / denom;
    const double half = z / denom * std::sqrt(p * (1.0 - p) / nd + z2 / (4.0 * nd * nd));
    // Rounding can push the bounds a hair outside [0, 1] at p = 0 or 1.
    return {std::clamp(centre - half, 0.0, 1.0), std::clamp(centre + half, 0.0, 1.0)};
}

double pairedTTestPValue(const std::vector<double>& a, const std::vector<double>& b)
{
    if (a.size() != b.size() || !allFinite(a) || !allFinite(b)) return kNaN;
    const size_t n = a.size();
    if (n < 2) return 1.0;
    std::vector<double> d(n);
    for (size_t i = 0; i < n; ++i)
        d[i] = a[i] - b[i];

    const bool constant = std::all_of(d.begin(), d.end(), [&](double x) { return x == d[0]; });
    if (constant) return d[0] == 0.0 ? 1.0 : 0.0;

    const double m = mean(d);
    double ss = 0.0;
    for (double x : d)
        ss += (x - m) * (x - m);
    const double sd = std::sqrt(ss / double(n - 1));
    if (!std::isfinite(m) || !std::isfinite(sd)) return kNaN; // overflow in the differences
    if (!(sd > 0.0)) return m == 0.0 ? 1.0 : 0.0;
    const double t = m / (sd / std::sqrt(double(n)));
    if (!std::isfinite(t)) return 0.0;
    const boost::math::students_t dist(double(n - 1));
    const double p = 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(t)));
    return std::min(1.0, p);
}

double pairedTTestPValue(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b)
{
    return pairedTTestPValue(toDoubles(a), toDoubles(b));
}

double mcnemarExactPValue(int64_t b, int64_t c)
{
    if (b < 0 || c < 0) return kNaN;
    if (b + c == 0) return 1.0;
    const boost::math::binomial dist(double(b + c), 0.5);
    const double tail = boost::math::cdf(dist, double(std::min(b, c)));
    return std::min(1.0, 2.0 * tail);
}

double mcnemarExactPValue(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b)
{
    if (a.size() != b.size()) return kNaN;
    int64_t onlyA = 0;
    int64_t onlyB = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const bool ra = a[i] != 0;
        const bool rb = b[i] != 0;
        onlyA += (ra && !rb) ? 1 : 0;
        onlyB += (!ra && rb) ? 1 : 0;
    }
    return mcnemarExactPValue(onlyA, onlyB);
}

double pearson(const std::vector<double>& x, const std::vector<double>& y)
{
    if (x.size() != y.size() || x.size() < 2 || !allFinite(x) || !allFinite(y)) return kNaN;
    const double mx = mean(x);
    const double my = mean(y);
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double dx = x[i] - mx;
        const double dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (!(sxx > 0.0) || !(syy > 0.0)) return kNaN;
    return std::clamp(sxy / std::sqrt(sxx * syy), -1.0, 1.0);
}

double spearman(const std::vector<double>& x, const std::vector<double>& y)
{
    if (x.size() != y.size() || !allFinite(x) || !allFinite(y)) return kNaN;
    return pearson(averageRanks(x), averageRanks(y));
}

std::vector<double> averageRanks(const std::vector<double>& x)
{
    std::vector<size_t> order(x.size());
    std::iota(order.begin(), order.end(), size_t(0));
    // NaN sorts last and ties with NaN, which keeps the ordering strict-weak.
    auto less = [&](size_t i, size_t j) {
        const double a = x[i], b = x[j];
        if (std::isnan(a)) return false;
        return std::isnan(b) || a < b;
    };
    std::stable_sort(order.begin(), order.end(), less);

    std::vector<double> ranks(x.size());
    size_t i = 0;
    while (i < order.size()) {
        size_t j = i;
        while (j + 1 < order.size() && !less(order[i], order[j + 1]) && !less(order[j + 1], order[i]))
            ++j;
        const double avg = (double(i) + double(j)) / 2.0 + 1.0;
        for (size_t k = i; k <= j; ++k)
            ranks[order[k]] = avg;
        i = j + 1;
    }
    return ranks;
}

double median(std::vector<double> values)
{
    return quantile(std::move(values), 0.5);
}

double quantile(std::vector<double> values, double q)
{
    if (values.empty() || std::isnan(q) ||
        std::any_of(values.begin(), values.end(), [](double v) { return std::isnan(v); }))
        return kNaN;
    q = std::clamp(q, 0.0, 1.0);
    std::sort(values.begin(), values.end());
    const double pos = q * double(values.size() - 1);
    const size_t lo = size_t(std::floor(pos));
    const size_t hi = std::min(lo + 1, values.size() - 1);
    const double frac = pos - double(lo);
    return values[lo] + frac * (values[hi] - values[lo]);
}

} // namespace headscope::core
