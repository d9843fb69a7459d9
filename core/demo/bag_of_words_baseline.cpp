#include "demo/bag_of_words_baseline.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace headscope::core {

BagOfWordsBaseline::BagOfWordsBaseline(std::vector<std::string> labels) : m_labels(std::move(labels)) {}

std::vector<int> BagOfWordsBaseline::features(const std::string& premise, const std::string& hypothesis) const
{
    std::vector<int> ids = {0};
    for (const auto& [prefix, text] : {std::pair{"a:", &premise}, std::pair{"b:", &hypothesis}}) {
        std::istringstream in(*text);
        for (std::string w; in >> w;) {
            const auto it = m_featureIds.find(prefix + w);
            if (it != m_featureIds.end())
                ids.push_back(it->second); // repeated words count repeatedly
        }
    }
    return ids;
}

std::vector<double> BagOfWordsBaseline::scores(const std::vector<int>& features) const
{
    std::vector<double> s(m_labels.size(), 0.0);
    for (size_t c = 0; c < m_labels.size(); ++c)
        for (int f : features)
            s[c] += m_weights[c][size_t(f)];
    return s;
}

Result<bool> BagOfWordsBaseline::train(const std::vector<NliRow>& rows, const Params& params)
{
    return captureResult([&]() -> bool {
        m_featureIds.clear();
        int next = 1;
        for (const auto& row : rows)
            for (const auto& [prefix, text] : {std::pair{"a:", &row.premise}, std::pair{"b:", &row.hypothesis}}) {
                std::istringstream in(*text);
                for (std::string w; in >> w;)
                    if (m_featureIds.emplace(prefix + w, next).second)
                        ++next;
            }
        std::vector<std::vector<int>> x;
        std::vector<int> y;
        for (const auto& row : rows) {
            const auto it = std::find(m_labels.begin(), m_labels.end(), row.label);
            if (it == m_labels.end())
                fail(ErrorCode::InvalidArgument, "unknown label '" + row.label + "' for the bag-of-words baseline");
            x.push_back(features(row.premise, row.hypothesis));
            y.push_back(int(it - m_labels.begin()));
        }
        if (x.empty())
            fail(ErrorCode::InvalidArgument, "no training rows for the bag-of-words baseline");

        const size_t nClasses = m_labels.size();
        m_weights.assign(nClasses, std::vector<double>(size_t(next), 0.0));
        const double n = double(x.size());
        std::vector<std::vector<double>> grad(nClasses, std::vector<double>(size_t(next)));
        for (int it = 0; it < params.nIterations; ++it) {
            for (auto& g : grad)
                std::fill(g.begin(), g.end(), 0.0);
            double loss = 0.0;
            for (size_t i = 0; i < x.size(); ++i) {
                std::vector<double> s = scores(x[i]);
                const double top = *std::max_element(s.begin(), s.end());
                double z = 0.0;
                for (double& v : s)
                    z += (v = std::exp(v - top));
                loss -= std::log(s[size_t(y[i])] / z);
                for (size_t c = 0; c < nClasses; ++c) {
                    const double d = s[c] / z - (int(c) == y[i] ? 1.0 : 0.0);
                    for (int f : x[i])
                        grad[c][size_t(f)] += d;
                }
            }
            m_trainLoss = loss / n;
            for (size_t c = 0; c < nClasses; ++c)
                for (size_t f = 0; f < size_t(next); ++f)
                    m_weights[c][f] -= params.learningRate * (grad[c][f] / n + params.l2 * m_weights[c][f]);
        }
        return true;
    });
}

int BagOfWordsBaseline::predict(const std::string& premise, const std::string& hypothesis) const
{
    if (m_weights.empty())
        return 0;
    const std::vector<double> s = scores(features(premise, hypothesis));
    return int(std::max_element(s.begin(), s.end()) - s.begin());
}

double BagOfWordsBaseline::accuracy(const std::vector<NliRow>& rows) const
{
    if (rows.empty())
        return 0.0;
    int64_t correct = 0;
    for (const auto& row : rows)
        correct += m_labels[size_t(predict(row.premise, row.hypothesis))] == row.label;
    return double(correct) / double(rows.size());
}

} // namespace headscope::core
