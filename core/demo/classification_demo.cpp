#include "demo/classification_demo.h"

#include "demo/demo_random.h"
#include "demo/nli_grammar.h"
#include "util/atomic_file.h"

#include <set>

namespace headscope::core {

namespace {

// Independent streams per domain and split, so that changing one size leaves the others alone.
uint64_t streamSeed(uint64_t seed, size_t domain, int split)
{
    DemoRandom mix(seed ^ (0x5851f42d4c957f2dULL * (domain + 1)) ^ (0x2545f4914f6cdd1dULL * uint64_t(split + 1)));
    return mix.next();
}

std::vector<NliRow> generateRows(const DemoDomain& domain, int n, uint64_t seed, std::set<std::string>& seen)
{
    const NliGrammar grammar(domain);
    DemoRandom rng(seed);
    std::vector<NliRow> rows;
    rows.reserve(size_t(n));
    for (int i = 0; i < n; ++i) {
        const NliLabel wanted = NliLabel(i % 3); // exactly balanced before the shuffle
        for (;;) {
            const auto [premise, hypothesis] = grammar.randomPair(wanted, rng);
            NliRow row{grammar.render(premise), grammar.render(hypothesis), nliLabelName(wanted), domain.name};
            if (seen.insert(row.premise + '\t' + row.hypothesis).second) {
                rows.push_back(std::move(row));
                break;
            }
        }
    }
    rng.shuffle(rows);
    return rows;
}

Result<bool> writeLines(const std::string& path, const std::string& text)
{
    return writeFileAtomically(path, text);
}

} // namespace

ClassificationDemoData generateClassificationDemo(const ClassificationDemoParams& params)
{
    const auto& domains = demoDomains();
    ClassificationDemoData data;
    for (size_t d = 0; d < domains.size(); ++d) {
        // Dev first, so that the dev sets do not depend on the training size; training pairs
        // that repeat a dev pair are drawn again.
        std::set<std::string> seen;
        auto dev = generateRows(domains[d], params.nDevPerDomain, streamSeed(params.seed, d, 1), seen);
        auto train = generateRows(domains[d], params.nTrainPerDomain, streamSeed(params.seed, d, 0), seen);
        data.train.insert(data.train.end(), train.begin(), train.end());
        (d == 0 ? data.devMatched : data.devMismatched) = std::move(dev);
    }
    DemoRandom mix(streamSeed(params.seed, domains.size(), 2));
    mix.shuffle(data.train);
    return data;
}

Result<bool> writeNliTsv(const std::string& path, const std::vector<NliRow>& rows)
{
    std::string text = "premise\thypothesis\tlabel\n";
    for (const auto& row : rows)
        text += row.premise + '\t' + row.hypothesis + '\t' + row.label + '\n';
    return writeLines(path, text);
}

std::vector<std::string> demoVocabulary()
{
    std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    std::set<std::string> seen(tokens.begin(), tokens.end());
    auto add = [&](const std::string& w) {
        if (seen.insert(w).second)
            tokens.push_back(w);
    };
    for (const auto& w : demoFunctionWords())
        add(w);
    for (const auto& domain : demoDomains()) {
        for (const auto& w : domain.nouns)
            add(w);
        for (const auto& v : domain.verbs) {
            add(v.present);
            add(v.participle);
        }
        for (const auto& cls : domain.adjectiveClasses)
            for (const auto& w : cls)
                add(w);
    }
    return tokens;
}

Result<bool> writeVocabTxt(const std::string& path, const std::vector<std::string>& tokens)
{
    std::string text;
    for (const auto& t : tokens)
        text += t + '\n';
    return writeLines(path, text);
}

} // namespace headscope::core
