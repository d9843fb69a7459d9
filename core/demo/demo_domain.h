#pragma once
// The word lists of the classification demo. Two domains share the grammar (and its function
// words "a", "no", "is", "by") but no content word, so that a head's importance can be compared
// across domains (the paper's matched / mismatched MNLI comparison, §3.4).
#include <string>
#include <vector>

namespace headscope::core {

struct DemoVerb
{
    std::string present;    // "chases"
    std::string participle; // "chased"
};

struct DemoDomain
{
    std::string name; // "animals", "people"
    std::vector<std::string> nouns;
    std::vector<DemoVerb> verbs;
    /// Adjective classes in the order they stand before the noun ("small red cat"); a noun
    /// phrase has at most one adjective of each class.
    std::vector<std::vector<std::string>> adjectiveClasses;
};

/// The two domains: "animals" (matched) and "people" (mismatched).
const std::vector<DemoDomain>& demoDomains();
/// The grammar's function words, shared by every domain.
const std::vector<std::string>& demoFunctionWords();

} // namespace headscope::core
