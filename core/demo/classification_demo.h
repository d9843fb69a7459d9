#pragma once
// The classification demo's data: premise / hypothesis pairs of both domains (demo_domain.h),
// balanced over the three labels, deterministic from a seed.
//
//   ClassificationDemoParams p; p.seed = 7;
//   ClassificationDemoData d = generateClassificationDemo(p);
//   writeNliTsv("dev_matched.tsv", d.devMatched);
//
// Training data mix both domains; dev_matched holds the first domain ("animals"),
// dev_mismatched the second ("people"), each never seen in training (pairs are deduplicated).
#include "util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::core {

struct NliRow
{
    std::string premise;
    std::string hypothesis;
    std::string label;  // "entailment", "neutral", "contradiction"
    std::string domain; // "animals", "people"
};

struct ClassificationDemoParams
{
    uint64_t seed = 7;
    int nTrainPerDomain = 20000;
    int nDevPerDomain = 2000;
};

struct ClassificationDemoData
{
    std::vector<NliRow> train;         // both domains, shuffled
    std::vector<NliRow> devMatched;    // domain 0
    std::vector<NliRow> devMismatched; // domain 1
};

ClassificationDemoData generateClassificationDemo(const ClassificationDemoParams& params);
/// Writes "premise<TAB>hypothesis<TAB>label" with a header line (read by core/data).
Result<bool> writeNliTsv(const std::string& path, const std::vector<NliRow>& rows);
/// The demo's WordPiece vocabulary, one token per entry: BERT's special tokens first ([PAD] is
/// id 0), then the function words, then every domain's words. Every demo word is one token.
std::vector<std::string> demoVocabulary();
/// Writes a vocabulary as vocab.txt (one token per line).
Result<bool> writeVocabTxt(const std::string& path, const std::vector<std::string>& tokens);

} // namespace headscope::core
