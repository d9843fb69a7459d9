#include "demo/translation_corpus.h"

#include "demo/demo_random.h"
#include "util/atomic_file.h"

#include <filesystem>
#include <ostream>
#include <set>
#include <sstream>

namespace headscope::core {

namespace {

struct Noun
{
    std::string singular, plural; // source
    std::string stem;             // target
    int gender;                   // 0 or 1
    std::string irregularPlural;  // target, empty = regular
};

struct Adjective
{
    std::string source, stem;
};

struct Verb
{
    std::string singular, plural; // source: "sees", "see" (also the form after "does not")
    std::string stem;             // target
    std::string irregularSingular, irregularPlural;
};

const std::vector<Noun>& nouns()
{
    static const std::vector<Noun> list = {
        {"dog", "dogs", "varn", 0, ""},          {"cat", "cats", "misk", 1, ""},
        {"bird", "birds", "pip", 0, ""},         {"horse", "horses", "kaval", 0, ""},
        {"mouse", "mice", "sor", 1, ""},         {"child", "children", "bimb", 0, "bimbor"},
        {"woman", "women", "donn", 1, "donnas"}, {"man", "men", "om", 0, "omeni"},
        {"farmer", "farmers", "kulter", 0, ""},  {"teacher", "teachers", "maestr", 1, ""},
        {"goose", "geese", "gans", 0, "gansar"},   {"apple", "apples", "pom", 1, ""},
    };
    return list;
}

const std::vector<Adjective>& adjectives()
{
    static const std::vector<Adjective> list = {{"red", "rub"},   {"big", "grand"}, {"small", "pik"},
                                                {"old", "vek"},   {"young", "jun"}, {"happy", "fel"},
                                                {"black", "negr"}, {"white", "blank"}};
    return list;
}

const std::vector<Verb>& verbs()
{
    static const std::vector<Verb> list = {
        {"sees", "see", "vid", "", ""},        {"likes", "like", "am", "", ""},
        {"follows", "follow", "segu", "", ""}, {"helps", "help", "jut", "", ""},
        {"finds", "find", "trov", "", ""},     {"eats", "eat", "mangi", "", ""},
        {"has", "have", "", "ha", "hant"},     {"makes", "make", "", "fa", "fant"},
    };
    return list;
}

struct Phrase
{
    bool definite = true;
    bool plural = false;
    int noun = 0;
    std::vector<int> adjectives;
};

struct Clause
{
    Phrase subject, object;
    int verb = 0;
    bool negated = false;
};

using Sentence = std::vector<Clause>;

std::string sourcePhrase(const Phrase& p)
{
    std::string s = p.definite ? "the" : (p.plural ? "some" : "a");
    for (int a : p.adjectives)
        s += " " + adjectives()[size_t(a)].source;
    const Noun& n = nouns()[size_t(p.noun)];
    return s + " " + (p.plural ? n.plural : n.singular);
}

std::string targetPhrase(const Phrase& p)
{
    const Noun& n = nouns()[size_t(p.noun)];
    static const char* definite[2][2] = {{"il", "li"}, {"la", "le"}}; // [gender][plural]
    static const char* indefinite[2][2] = {{"un", "alki"}, {"una", "alke"}};
    std::string s = (p.definite ? definite : indefinite)[n.gender][p.plural];
    if (p.plural)
        s += " " + (!n.irregularPlural.empty() ? n.irregularPlural : n.stem + (n.gender ? "e" : "i"));
    else
        s += " " + n.stem + (n.gender ? "a" : "");
    for (int a : p.adjectives)
        s += " " + adjectives()[size_t(a)].stem + (p.plural ? "i" : (n.gender ? "a" : "o"));
    return s;
}

std::string sourceSentence(const Sentence& sentence)
{
    std::string s;
    for (size_t i = 0; i < sentence.size(); ++i) {
        const Clause& c = sentence[i];
        const Verb& v = verbs()[size_t(c.verb)];
        if (i)
            s += " and ";
        s += sourcePhrase(c.subject) + " ";
        if (c.negated)
            s += std::string(c.subject.plural ? "do" : "does") + " not " + v.plural;
        else
            s += c.subject.plural ? v.plural : v.singular;
        s += " " + sourcePhrase(c.object);
    }
    return s + " .";
}

std::string targetSentence(const Sentence& sentence)
{
    std::string s;
    for (size_t i = 0; i < sentence.size(); ++i) {
        const Clause& c = sentence[i];
        const Verb& v = verbs()[size_t(c.verb)];
        if (i)
            s += " e ";
        s += targetPhrase(c.subject) + " " + targetPhrase(c.object) + " ";
        if (c.negated)
            s += "ne ";
        if (c.subject.plural)
            s += !v.irregularPlural.empty() ? v.irregularPlural : v.stem + "ont";
        else
            s += !v.irregularSingular.empty() ? v.irregularSingular : v.stem + "et";
    }
    return s + " .";
}

Phrase randomPhrase(DemoRandom& rng, int nAdjectives, int avoidNoun)
{
    Phrase p;
    do
        p.noun = int(rng.below(nouns().size()));
    while (p.noun == avoidNoun);
    p.plural = rng.chance(0.4);
    p.definite = rng.chance(0.6);
    while (int(p.adjectives.size()) < nAdjectives) {
        const int a = int(rng.below(adjectives().size()));
        if (p.adjectives.empty() || p.adjectives.back() != a)
            p.adjectives.push_back(a);
    }
    return p;
}

Clause randomClause(DemoRandom& rng, bool outOfDomain)
{
    auto count = [&]() { return outOfDomain ? (rng.chance(0.7) ? 2 : int(rng.below(2))) : int(rng.below(2)); };
    Clause c;
    c.subject = randomPhrase(rng, count(), -1);
    c.object = randomPhrase(rng, count(), c.subject.noun);
    c.verb = int(rng.below(verbs().size()));
    c.negated = rng.chance(0.25);
    return c;
}

bool hasTwoAdjectives(const Sentence& s)
{
    for (const auto& c : s)
        if (c.subject.adjectives.size() > 1 || c.object.adjectives.size() > 1)
            return true;
    return false;
}

std::vector<ParallelSentence> generatePairs(DemoRandom& rng, int n, bool outOfDomain, std::set<std::string>& seen)
{
    std::vector<ParallelSentence> pairs;
    while (int(pairs.size()) < n) {
        Sentence s = {randomClause(rng, outOfDomain)};
        if (outOfDomain && rng.chance(0.5))
            s.push_back(randomClause(rng, outOfDomain));
        if (outOfDomain && s.size() == 1 && !hasTwoAdjectives(s))
            continue; // out of domain: longer than anything in training
        ParallelSentence p{sourceSentence(s), targetSentence(s)};
        if (seen.insert(p.source).second)
            pairs.push_back(std::move(p));
    }
    return pairs;
}

Result<bool> writeText(const std::string& path, const std::vector<ParallelSentence>& pairs, bool target)
{
    return writeFileAtomically(path, [&](std::ostream& out) -> Result<bool> {
        for (const auto& p : pairs)
            out << (target ? p.target : p.source) << '\n';
        return true;
    });
}

} // namespace

TranslationCorpus generateTranslationCorpus(const TranslationCorpusParams& params)
{
    // Held-out sets first, so that they do not depend on the training size; the training set
    // never repeats one of their sentences.
    TranslationCorpus corpus;
    std::set<std::string> seen;
    DemoRandom heldOut(params.seed ^ 0x3c6ef372fe94f82bULL);
    corpus.dev = generatePairs(heldOut, params.nDev, false, seen);
    corpus.test = generatePairs(heldOut, params.nTest, false, seen);
    corpus.testOod = generatePairs(heldOut, params.nTestOod, true, seen);
    DemoRandom train(params.seed ^ 0xa54ff53a5f1d36f1ULL);
    corpus.train = generatePairs(train, params.nTrain, false, seen);
    return corpus;
}

Result<std::string> translateDemoSentence(const std::string& source)
{
    return captureResult([&]() -> std::string {
        std::istringstream in(source);
        std::vector<std::string> w;
        for (std::string word; in >> word;)
            w.push_back(word);
        size_t pos = 0;
        auto error = [&](const std::string& what) {
            fail(ErrorCode::InvalidArgument, "sentence is not in the translation demo's grammar", {},
                 "expected " + what + " at word " + std::to_string(pos + 1) + " of '" + source + "'");
        };
        auto at = [&](const std::string& word) { return pos < w.size() && w[pos] == word; };
        auto phrase = [&]() {
            Phrase p;
            if (at("the"))
                p.definite = true;
            else if (at("a") || at("some"))
                p.definite = false, p.plural = at("some");
            else
                error("a determiner");
            const bool some = at("some");
            ++pos;
            for (bool found = true; found && pos < w.size();) {
                found = false;
                for (size_t a = 0; a < adjectives().size(); ++a)
                    if (w[pos] == adjectives()[a].source) {
                        p.adjectives.push_back(int(a));
                        ++pos;
                        found = true;
                        break;
                    }
            }
            for (size_t n = 0; n < nouns().size() && pos < w.size(); ++n) {
                if (w[pos] == nouns()[n].singular || w[pos] == nouns()[n].plural) {
                    p.noun = int(n);
                    p.plural = w[pos] == nouns()[n].plural;
                    if (p.plural != some && !p.definite)
                        error("'a' with a singular, 'some' with a plural noun");
                    ++pos;
                    return p;
                }
            }
            error("a noun");
            return p;
        };
        Sentence sentence;
        for (;;) {
            Clause c;
            c.subject = phrase();
            bool found = false;
            if (at("does") || at("do")) {
                if (at("do") != c.subject.plural)
                    error(c.subject.plural ? "'do'" : "'does'");
                ++pos;
                if (!at("not"))
                    error("'not'");
                ++pos;
                c.negated = true;
                for (size_t v = 0; v < verbs().size() && pos < w.size(); ++v)
                    if (w[pos] == verbs()[v].plural)
                        c.verb = int(v), found = true;
            } else {
                for (size_t v = 0; v < verbs().size() && pos < w.size(); ++v)
                    if (w[pos] == (c.subject.plural ? verbs()[v].plural : verbs()[v].singular))
                        c.verb = int(v), found = true;
            }
            if (!found)
                error("a verb");
            ++pos;
            c.object = phrase();
            sentence.push_back(c);
            if (!at("and"))
                break;
            ++pos;
        }
        if (!at(".") || pos + 1 != w.size())
            error("' .' at the end");
        return targetSentence(sentence);
    });
}

Result<bool> writeTranslationCorpus(const std::string& dir, const TranslationCorpus& corpus)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return Error{ErrorCode::Runtime, "cannot create directory", dir, ec.message()};
    const std::pair<const char*, const std::vector<ParallelSentence>*> sets[] = {
        {"train", &corpus.train}, {"dev", &corpus.dev}, {"test", &corpus.test}, {"test_ood", &corpus.testOod}};
    for (const auto& [name, pairs] : sets)
        for (bool target : {false, true}) {
            const auto r = writeText((fs::path(dir) / (std::string(name) + (target ? ".tgt" : ".src"))).string(),
                                     *pairs, target);
            if (!r)
                return r;
        }
    return true;
}

} // namespace headscope::core
