#include "demo/nli_grammar.h"

#include "demo/demo_random.h"

#include <algorithm>
#include <sstream>

namespace headscope::core {

namespace {

int indexOf(const std::vector<std::string>& words, const std::string& word)
{
    const auto it = std::find(words.begin(), words.end(), word);
    return it == words.end() ? -1 : int(it - words.begin());
}

bool phraseSubsumes(const NounPhrase& specific, const NounPhrase& general)
{
    if (specific.noun != general.noun)
        return false;
    for (size_t c = 0; c < general.adjectives.size(); ++c)
        if (general.adjectives[c] >= 0 && general.adjectives[c] != specific.adjectives[c])
            return false;
    return true;
}

} // namespace

const char* nliLabelName(NliLabel label)
{
    switch (label) {
    case NliLabel::Entailment: return "entailment";
    case NliLabel::Neutral: return "neutral";
    case NliLabel::Contradiction: return "contradiction";
    }
    return "?";
}

std::vector<std::string> nliLabelNames()
{
    return {"entailment", "neutral", "contradiction"};
}

NliGrammar::NliGrammar(const DemoDomain& domain) : m_domain(domain) {}

std::string NliGrammar::renderPhrase(const NounPhrase& phrase) const
{
    std::string text;
    for (size_t c = 0; c < phrase.adjectives.size(); ++c)
        if (phrase.adjectives[c] >= 0)
            text += m_domain.adjectiveClasses[c][size_t(phrase.adjectives[c])] + " ";
    return text + m_domain.nouns[size_t(phrase.noun)];
}

std::string NliGrammar::render(const NliClause& clause) const
{
    const std::string det = clause.negated ? "no " : "a ";
    const DemoVerb& verb = m_domain.verbs[size_t(clause.verb)];
    if (clause.passive)
        return det + renderPhrase(clause.patient) + " is " + verb.participle + " by a " + renderPhrase(clause.agent);
    return det + renderPhrase(clause.agent) + " " + verb.present + " a " + renderPhrase(clause.patient);
}

Result<NliClause> NliGrammar::parse(const std::string& sentence) const
{
    return captureResult([&]() -> NliClause {
        std::istringstream in(sentence);
        std::vector<std::string> words;
        for (std::string w; in >> w;)
            words.push_back(w);
        size_t pos = 0;
        auto expectedError = [&](const std::string& what) {
            const std::string found = pos < words.size() ? "'" + words[pos] + "'" : "the end";
            fail(ErrorCode::InvalidArgument, "sentence is not in the " + m_domain.name + " grammar", {},
                 "expected " + what + " at word " + std::to_string(pos + 1) + ", found " + found + " in '" +
                     sentence + "'");
        };
        auto phrase = [&]() {
            NounPhrase np;
            np.adjectives.assign(m_domain.adjectiveClasses.size(), -1);
            for (size_t c = 0; c < m_domain.adjectiveClasses.size() && pos < words.size(); ++c) {
                const int a = indexOf(m_domain.adjectiveClasses[c], words[pos]);
                if (a >= 0) {
                    np.adjectives[c] = a;
                    ++pos;
                }
            }
            np.noun = pos < words.size() ? indexOf(m_domain.nouns, words[pos]) : -1;
            if (np.noun < 0)
                expectedError("a noun");
            ++pos;
            return np;
        };
        auto word = [&](const std::string& w) {
            if (pos >= words.size() || words[pos] != w)
                expectedError("'" + w + "'");
            ++pos;
        };

        NliClause clause;
        if (pos < words.size() && (words[pos] == "a" || words[pos] == "no"))
            clause.negated = words[pos++] == "no";
        else
            expectedError("'a' or 'no'");
        const NounPhrase first = phrase();
        if (pos < words.size() && words[pos] == "is") {
            ++pos;
            clause.passive = true;
            clause.verb = -1;
            for (size_t v = 0; v < m_domain.verbs.size() && pos < words.size(); ++v)
                if (m_domain.verbs[v].participle == words[pos])
                    clause.verb = int(v);
            if (clause.verb < 0)
                expectedError("a participle");
            ++pos;
            word("by");
            word("a");
            clause.patient = first;
            clause.agent = phrase();
        } else {
            clause.verb = -1;
            for (size_t v = 0; v < m_domain.verbs.size() && pos < words.size(); ++v)
                if (m_domain.verbs[v].present == words[pos])
                    clause.verb = int(v);
            if (clause.verb < 0)
                expectedError("a verb or 'is'");
            ++pos;
            word("a");
            clause.agent = first;
            clause.patient = phrase();
        }
        if (pos != words.size())
            expectedError("the end of the sentence");
        return clause;
    });
}

bool NliGrammar::subsumes(const NliClause& specific, const NliClause& general)
{
    return specific.verb == general.verb && phraseSubsumes(specific.agent, general.agent) &&
           phraseSubsumes(specific.patient, general.patient);
}

NliLabel NliGrammar::label(const NliClause& premise, const NliClause& hypothesis)
{
    // Under "no" the claim is about the absence of events, which reverses the direction.
    const bool holds = premise.negated ? subsumes(hypothesis, premise) : subsumes(premise, hypothesis);
    if (!holds)
        return NliLabel::Neutral;
    return premise.negated == hypothesis.negated ? NliLabel::Entailment : NliLabel::Contradiction;
}

NliClause NliGrammar::randomClause(DemoRandom& rng) const
{
    auto phrase = [&](int avoidNoun) {
        NounPhrase np;
        do
            np.noun = int(rng.below(m_domain.nouns.size()));
        while (np.noun == avoidNoun);
        for (const auto& cls : m_domain.adjectiveClasses)
            np.adjectives.push_back(rng.chance(0.4) ? int(rng.below(cls.size())) : -1);
        return np;
    };
    NliClause clause;
    clause.verb = int(rng.below(m_domain.verbs.size()));
    clause.agent = phrase(-1);
    clause.patient = phrase(clause.agent.noun);
    clause.passive = rng.chance(0.3);
    return clause;
}

// Changes the hypothesis so that the subsumption the label depends on no longer holds: the
// roles swapped, other individuals altogether, another verb or noun, or an adjective that does
// not fit (often one taken from the other noun phrase, so that only its position tells).
bool NliGrammar::breakSubsumption(const NliClause& premise, NliClause& h, bool hypothesisGeneral,
                                  DemoRandom& rng) const
{
    const double r = rng.unit();
    if (r < 0.25) {
        std::swap(h.agent, h.patient);
        return true;
    }
    if (r < 0.4) {
        // About other individuals altogether: the easy case, which teaches a model to match
        // the hypothesis's words against the premise before the finer cases can be learnt.
        NliClause other = randomClause(rng);
        for (NounPhrase* np : {&other.agent, &other.patient})
            while (np->noun == premise.agent.noun || np->noun == premise.patient.noun ||
                   (np == &other.patient && np->noun == other.agent.noun))
                np->noun = int(rng.below(m_domain.nouns.size()));
        other.negated = h.negated;
        other.passive = h.passive;
        h = other;
        return true;
    }
    if (r < 0.5) {
        h.verb = int((size_t(h.verb) + 1 + rng.below(m_domain.verbs.size() - 1)) % m_domain.verbs.size());
        return true;
    }
    if (r < 0.6) {
        NounPhrase& np = rng.chance(0.5) ? h.agent : h.patient;
        const int other = (&np == &h.agent ? h.patient : h.agent).noun;
        int noun;
        do
            noun = int(rng.below(m_domain.nouns.size()));
        while (noun == np.noun || noun == other);
        np.noun = noun;
        return true;
    }
    const bool onAgent = rng.chance(0.5);
    NounPhrase& np = onAgent ? h.agent : h.patient;
    const NounPhrase& pre = onAgent ? premise.agent : premise.patient;
    const NounPhrase& preOther = onAgent ? premise.patient : premise.agent;
    const size_t c = rng.below(m_domain.adjectiveClasses.size());
    const size_t nValues = m_domain.adjectiveClasses[c].size();
    auto otherValue = [&](int avoid) {
        // Prefer the adjective the other noun phrase carries in the premise.
        if (preOther.adjectives[c] >= 0 && preOther.adjectives[c] != avoid && rng.chance(0.5))
            return preOther.adjectives[c];
        int v;
        do
            v = int(rng.below(nValues));
        while (v == avoid);
        return v;
    };
    if (hypothesisGeneral) {
        // The hypothesis must say something the premise does not.
        np.adjectives[c] = otherValue(pre.adjectives[c]);
        return true;
    }
    // The hypothesis must leave out or contradict something the premise says.
    if (pre.adjectives[c] < 0)
        return false;
    np.adjectives[c] = rng.chance(0.5) ? -1 : otherValue(pre.adjectives[c]);
    return true;
}

std::pair<NliClause, NliClause> NliGrammar::randomPair(NliLabel wanted, DemoRandom& rng) const
{
    for (;;) {
        bool premiseNegated = rng.chance(0.5);
        bool hypothesisNegated = premiseNegated;
        if (wanted == NliLabel::Contradiction)
            hypothesisNegated = !premiseNegated;
        else if (wanted == NliLabel::Neutral)
            hypothesisNegated = rng.chance(0.5);

        NliClause premise = randomClause(rng);
        premise.negated = premiseNegated;
        // The hypothesis is more general than the premise when the premise asserts, more
        // specific when it denies; then, for neutral pairs, that relation is broken.
        const bool hypothesisGeneral = !premiseNegated;
        NliClause h = premise;
        h.negated = hypothesisNegated;
        h.passive = rng.chance(0.3);
        for (NounPhrase* np : {&h.agent, &h.patient})
            for (size_t c = 0; c < np->adjectives.size(); ++c) {
                if (hypothesisGeneral && np->adjectives[c] >= 0 && rng.chance(0.4))
                    np->adjectives[c] = -1;
                else if (!hypothesisGeneral && np->adjectives[c] < 0 && rng.chance(0.4))
                    np->adjectives[c] = int(rng.below(m_domain.adjectiveClasses[c].size()));
            }
        if (wanted == NliLabel::Neutral && !breakSubsumption(premise, h, hypothesisGeneral, rng))
            continue;
        if (label(premise, h) == wanted)
            return {premise, h};
    }
}

} // namespace headscope::core
