#pragma once
// The classification demo's grammar: premise / hypothesis pairs about who does what to whom,
// labelled by a fixed semantics, so that the label depends on word order and on which noun an
// adjective belongs to, never on the words alone.
//
//   NliGrammar g(demoDomains()[0]);
//   auto p = g.parse("a small red cat chases a dog");
//   auto h = g.parse("a dog is chased by a cat");
//   NliLabel l = NliGrammar::label(*p, *h); // Entailment
//
// Sentences: "DET NP VERB a NP" (active) or "DET NP is PARTICIPLE by a NP" (passive), DET "a"
// or "no", NP = [adjective of class 0] [adjective of class 1] noun. A sentence with "a" claims that
// such an event exists; with "no" that none does. With "subsumes(X, Y)" meaning "the event X
// describes is also an event of kind Y" (same verb and roles, Y's adjectives a subset of X's):
//   a / a   : entailment if subsumes(P, H), else neutral
//   a / no  : contradiction if subsumes(P, H), else neutral
//   no / no : entailment if subsumes(H, P) (negation reverses the direction), else neutral
//   no / a  : contradiction if subsumes(H, P), else neutral
#include "demo/demo_domain.h"
#include "util/result.h"

#include <string>
#include <utility>
#include <vector>

namespace headscope::core {

class DemoRandom;

enum class NliLabel { Entailment, Neutral, Contradiction };
/// "entailment", "neutral", "contradiction" (the label strings of the TSV files).
const char* nliLabelName(NliLabel label);
/// The label names in id order (id2label of the trained model).
std::vector<std::string> nliLabelNames();

struct NounPhrase
{
    int noun = 0;
    std::vector<int> adjectives; // per adjective class: index in the class, or -1 for none
};

struct NliClause
{
    bool negated = false; // "no" instead of "a" before the first noun phrase
    bool passive = false;
    int verb = 0;
    NounPhrase agent;   // who acts
    NounPhrase patient; // who undergoes it
};

class NliGrammar
{
public:
    explicit NliGrammar(const DemoDomain& domain);

    const DemoDomain& domain() const { return m_domain; }
    std::string render(const NliClause& clause) const;
    /// The clause of a sentence of this grammar; errors name the word that does not fit.
    Result<NliClause> parse(const std::string& sentence) const;
    /// The label of a pair under the semantics above.
    static NliLabel label(const NliClause& premise, const NliClause& hypothesis);
    /// True when every event of kind `specific` is an event of kind `general`.
    static bool subsumes(const NliClause& specific, const NliClause& general);

    /// A random clause (distinct nouns; each adjective class present with probability 0.4, passive
    /// with probability 0.3).
    NliClause randomClause(DemoRandom& rng) const;
    /// A random pair with the given label; label(first, second) == wanted always holds.
    std::pair<NliClause, NliClause> randomPair(NliLabel wanted, DemoRandom& rng) const;

private:
    bool breakSubsumption(const NliClause& premise, NliClause& hypothesis, bool hypothesisGeneral,
                          DemoRandom& rng) const;
    std::string renderPhrase(const NounPhrase& phrase) const;

    DemoDomain m_domain;
};

} // namespace headscope::core
