#pragma once
// Intervals, significance tests and correlations used by the analyses.
#include <cstdint>
#include <vector>

namespace headscope::core {

struct Interval
{
    double low = 0.0;
    double high = 0.0;
};

/// Wilson score interval for successes/n at the given two-sided z (1.96 = 95%). n == 0: [0, 1].
Interval wilsonInterval(int64_t successes, int64_t n, double z = 1.959963984540054);

/// Two-sided paired t-test on a[i] - b[i]. Returns 1 when every difference is zero (no
/// evidence) or n < 2, 0 when the differences are constant and non-zero, NaN when the sizes
/// differ or a value is not finite.
double pairedTTestPValue(const std::vector<double>& a, const std::vector<double>& b);
/// Same on 0/1 correctness vectors.
double pairedTTestPValue(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

/// McNemar's exact test: b = pairs right in a only, c = right in b only. Two-sided binomial
/// p-value min(1, 2 * P(X <= min(b, c))) with X ~ Bin(b + c, 1/2); 1 when b + c == 0.
/// The vector form counts b and c from 0/1 correctness vectors (NaN when the sizes differ).
double mcnemarExactPValue(int64_t b, int64_t c);
double mcnemarExactPValue(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b);

/// Pearson's r; NaN when either side is constant, sizes differ or < 2, or a value is not finite.
double pearson(const std::vector<double>& x, const std::vector<double>& y);
/// Spearman's rho (Pearson on average ranks, ties averaged); NaN as Pearson, or on NaN input.
double spearman(const std::vector<double>& x, const std::vector<double>& y);
/// Average ranks (1-based), ties get the mean of their positions.
std::vector<double> averageRanks(const std::vector<double>& x);

/// Median (quantile 0.5); NaN when empty or a value is NaN.
double median(std::vector<double> values);
/// Linear-interpolated quantile (numpy's default), q clamped to [0, 1]; NaN as median.
double quantile(std::vector<double> values, double q);

} // namespace headscope::core
