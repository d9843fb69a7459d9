#include "analysis/translation_set.h"

#include "metrics/text_lines.h"
#include "model/seq2seq_model.h"

#include <algorithm>
#include <limits>
#include <random>

namespace headscope::core {

std::vector<TranslationPair> TranslationSet::pairs() const
{
    std::vector<TranslationPair> out;
    if (!hasReferences())
        return out;
    out.reserve(size());
    for (size_t i = 0; i < size(); ++i)
        out.push_back({sourceIds[i], referenceIds[i]});
    return out;
}

TranslationSet TranslationSet::subset(const std::vector<size_t>& indices) const
{
    TranslationSet out;
    out.sourcePath = sourcePath;
    out.referencePath = referencePath;
    for (size_t i : indices) {
        out.sources.push_back(sources.at(i));
        out.sourceIds.push_back(sourceIds.at(i));
        if (hasReferences()) {
            out.references.push_back(references.at(i));
            out.referenceIds.push_back(referenceIds.at(i));
        }
    }
    return out;
}

Result<TranslationSet> loadTranslationSet(const Seq2SeqModel& model, const std::string& sourcePath,
                                          const std::string& referencePath, const TranslationSetOptions& options)
{
    return captureResult([&]() -> TranslationSet {
        TranslationSet set;
        set.sourcePath = sourcePath;
        set.referencePath = referencePath;
        auto sources = readTextLines(sourcePath);
        if (!sources)
            throw ErrorException(sources.error());
        set.sources = std::move(*sources);
        if (set.sources.empty())
            fail(ErrorCode::InvalidFile, "the source file has no lines", sourcePath);
        if (!referencePath.empty()) {
            auto refs = readTextLines(referencePath);
            if (!refs)
                throw ErrorException(refs.error());
            if (refs->size() != set.sources.size())
                fail(ErrorCode::InvalidFile, "the reference file's line count differs from the source file's",
                     referencePath,
                     std::to_string(refs->size()) + " reference lines, " + std::to_string(set.sources.size()) +
                         " source lines in " + sourcePath);
            set.references = std::move(*refs);
        }
        if (options.limit > 0 && size_t(options.limit) < set.sources.size()) {
            set.sources.resize(size_t(options.limit));
            if (set.hasReferences())
                set.references.resize(size_t(options.limit));
        }
        // A position past the sinusoidal table has no embedding; generation needs none there.
        const int maxPositions = model.config().maxPositionEmbeddings;
        for (size_t i = 0; i < set.sources.size(); ++i) {
            if (set.sources[i].empty())
                fail(ErrorCode::InvalidFile, "empty source line: there is nothing to translate", sourcePath,
                     "line " + std::to_string(i + 1));
            auto ids = model.tokenizer().encodeSource(set.sources[i]);
            if (maxPositions > 0 && int64_t(ids.size()) > maxPositions)
                fail(ErrorCode::InvalidFile, "a source line is longer than the model's positions", sourcePath,
                     "line " + std::to_string(i + 1) + ": " + std::to_string(ids.size()) + " tokens, " +
                         std::to_string(maxPositions) + " positions");
            set.sourceIds.push_back(std::move(ids));
            if (set.hasReferences())
                set.referenceIds.push_back(model.tokenizer().encodeTarget(set.references[i]));
        }
        return set;
    });
}

std::vector<size_t> translationSubset(size_t size, int64_t n, bool randomSample, uint64_t seed)
{
    std::vector<size_t> all(size);
    for (size_t i = 0; i < size; ++i)
        all[i] = i;
    if (n <= 0 || size_t(n) >= size)
        return all;
    if (!randomSample) {
        all.resize(size_t(n));
        return all;
    }
    // Partial Fisher-Yates with explicit draws, so that the sample is the same on every platform.
    std::mt19937_64 rng(seed);
    for (size_t i = 0; i < size_t(n); ++i) {
        const uint64_t span = uint64_t(size - i);
        const uint64_t limit = std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % span;
        uint64_t draw = rng();
        while (draw >= limit)
            draw = rng();
        std::swap(all[i], all[i + size_t(draw % span)]);
    }
    all.resize(size_t(n));
    std::sort(all.begin(), all.end());
    return all;
}

} // namespace headscope::core
