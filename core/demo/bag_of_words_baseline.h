#pragma once
// A bag-of-words baseline for sentence-pair classification: multinomial logistic regression
// over the unigram counts of each segment (premise words and hypothesis words are separate
// features). It sees which words occur where, not their order nor which noun an adjective
// belongs to, so it shows how much of a task word identity alone explains.
//
//   BagOfWordsBaseline bow(nliLabelNames());
//   bow.train(data.train, {});
//   double acc = bow.accuracy(data.devMatched);
#include "demo/classification_demo.h"

#include <map>
#include <string>
#include <vector>

namespace headscope::core {

class BagOfWordsBaseline
{
public:
    struct Params
    {
        int nIterations = 1000;   // full-batch gradient steps (deterministic, order-free)
        double learningRate = 0.5;
        double l2 = 1e-4;
    };

    explicit BagOfWordsBaseline(std::vector<std::string> labels);

    /// Fits the weights on rows (labels outside the label list are an error).
    Result<bool> train(const std::vector<NliRow>& rows, const Params& params);
    /// Index into the label list of the most probable label.
    int predict(const std::string& premise, const std::string& hypothesis) const;
    double accuracy(const std::vector<NliRow>& rows) const;
    /// Training-set mean cross-entropy after the last step.
    double trainLoss() const { return m_trainLoss; }

private:
    std::vector<int> features(const std::string& premise, const std::string& hypothesis) const;
    std::vector<double> scores(const std::vector<int>& features) const;

    std::vector<std::string> m_labels;
    std::map<std::string, int> m_featureIds; // "a:word" / "b:word"
    std::vector<std::vector<double>> m_weights; // [label][feature], feature 0 = bias
    double m_trainLoss = 0.0;
};

} // namespace headscope::core
