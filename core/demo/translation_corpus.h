#pragma once
// The translation demo's parallel corpus: an English-like source grammar and an invented target
// language that reorders (verb last, adjectives after the noun), agrees (gender and number on
// determiners and adjectives, subject number on the verb) and has irregular forms (a few plural
// nouns and verbs). Deterministic from a seed; text only, one sentence per line.
//
//   TranslationCorpusParams p; p.seed = 7;
//   TranslationCorpus c = generateTranslationCorpus(p);
//   writeTranslationCorpus("data/translation", c); // train.src, train.tgt, dev.*, test.*, test_ood.*
//
// In-domain sentences have at most one adjective per noun phrase and one clause; the
// out-of-domain test set has two adjectives per noun phrase and/or two clauses joined by "and".
#include "util/result.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace headscope::core {

struct ParallelSentence
{
    std::string source;
    std::string target;
};

struct TranslationCorpusParams
{
    uint64_t seed = 7;
    int nTrain = 20000;
    int nDev = 500;
    int nTest = 1000;
    int nTestOod = 500;
};

struct TranslationCorpus
{
    std::vector<ParallelSentence> train, dev, test, testOod;
};

TranslationCorpus generateTranslationCorpus(const TranslationCorpusParams& params);
/// Translates one source sentence of the grammar (for tests and tools); errors name the word
/// that does not fit.
Result<std::string> translateDemoSentence(const std::string& source);
/// Writes {train,dev,test,test_ood}.{src,tgt} into dir (created).
Result<bool> writeTranslationCorpus(const std::string& dir, const TranslationCorpus& corpus);

} // namespace headscope::core
