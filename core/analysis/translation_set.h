#pragma once
// A translation test set: source lines, their references, and both as the model's ids.
//
//   auto set = loadTranslationSet(*model, "src.txt", "ref.txt");   // the reference is optional
//   if (!set) return set.error();       // line counts differ, an empty source line, ...
//   auto eval = evaluateTranslation(*model, *set, params);         // translation_eval.h
#include "model/seq2seq_inference.h"
#include "util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace headscope::core {

class Seq2SeqModel;

struct TranslationSetOptions
{
    int64_t limit = 0; // > 0: the first `limit` lines only
};

struct TranslationSet
{
    std::string sourcePath;
    std::string referencePath;                    // empty: no references
    std::vector<std::string> sources;             // lines as read (sacreBLEU's reading)
    std::vector<std::string> references;          // empty, or one per source
    std::vector<std::vector<int64_t>> sourceIds;  // encodeSource of each line (ends with </s>)
    std::vector<std::vector<int64_t>> referenceIds; // encodeTarget of each reference

    size_t size() const { return sources.size(); }
    bool hasReferences() const { return !references.empty(); }
    /// Source and reference ids, for teacher forcing (empty without references).
    std::vector<TranslationPair> pairs() const;
    /// The sentences at the given indices (in that order), for test subsets.
    TranslationSet subset(const std::vector<size_t>& indices) const;
};

/// Reads UTF-8 lines as sacreBLEU does and tokenises them. Errors (naming the file and line):
/// no lines, an empty source line, a source longer than the model's positions, a reference
/// file whose line count differs from the source file's.
Result<TranslationSet> loadTranslationSet(const Seq2SeqModel& model, const std::string& sourcePath,
                                          const std::string& referencePath = {},
                                          const TranslationSetOptions& options = {});

/// Sentence indices of a test subset: the first n, or (randomSample) n drawn without
/// replacement with the seed, in file order; every index when n <= 0 or n >= size.
std::vector<size_t> translationSubset(size_t size, int64_t n, bool randomSample, uint64_t seed);

} // namespace headscope::core
