#include "ablation_json.h"

#include "json_convert.h"

#include <cmath>

namespace headscope::cli {

Json ablationBaselineJson(const core::AblationResult& r)
{
    const int64_t nCorrect = countOnes(r.baselineCorrect);
    const core::Interval ci = core::wilsonInterval(nCorrect, r.n);
    Json j = Json::object();
    j["metric"] = "accuracy";
    j["value"] = r.baselineAccuracy;
    j["n"] = r.n;
    j["n_correct"] = nCorrect;
    j["low"] = ci.low;
    j["high"] = ci.high;
    return j;
}

std::vector<std::vector<bool>> significantCells(const core::Matrix& p, double alpha)
{
    std::vector<std::vector<bool>> s;
    for (const auto& row : p) {
        std::vector<bool> r;
        for (double v : row)
            r.push_back(std::isfinite(v) && v < alpha);
        s.push_back(r);
    }
    return s;
}

} // namespace headscope::cli
