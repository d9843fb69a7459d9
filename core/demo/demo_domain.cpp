#include "demo/demo_domain.h"

namespace headscope::core {

const std::vector<DemoDomain>& demoDomains()
{
    // Small lists on purpose: every word recurs often, so a small model learns what matters
    // here (which word stands where) within the CPU budget rather than the words themselves.
    static const std::vector<DemoDomain> domains = {
        {"animals",
         {"cat", "dog", "fox", "horse", "goat", "wolf"},
         {{"chases", "chased"}, {"bites", "bitten"}, {"follows", "followed"}, {"watches", "watched"}, {"feeds", "fed"}},
         {{"small", "big", "thin"}, {"red", "brown", "white"}}},
        {"people",
         {"doctor", "farmer", "teacher", "pilot", "judge", "poet"},
         {{"greets", "greeted"}, {"helps", "helped"}, {"pays", "paid"}, {"visits", "visited"}, {"blames", "blamed"}},
         {{"tall", "young", "strong"}, {"happy", "brave", "calm"}}},
    };
    return domains;
}

const std::vector<std::string>& demoFunctionWords()
{
    static const std::vector<std::string> words = {"a", "no", "is", "by"};
    return words;
}

} // namespace headscope::core
