#include "demo/demo_domain.h"

namespace headscope::core {

const std::vector<DemoDomain>& demoDomains()
{
    static const std::vector<DemoDomain> domains = {
        {"animals",
         {"cat", "dog", "fox", "horse", "rabbit", "mouse", "goat", "duck", "wolf", "bear"},
         {{"chases", "chased"},
          {"bites", "bitten"},
          {"follows", "followed"},
          {"watches", "watched"},
          {"kicks", "kicked"},
          {"licks", "licked"},
          {"pushes", "pushed"},
          {"feeds", "fed"}},
         {{"small", "big", "fat", "thin", "tiny"}, {"red", "brown", "black", "white", "gray", "spotted"}}},
        {"people",
         {"doctor", "farmer", "teacher", "pilot", "singer", "baker", "nurse", "judge", "poet", "sailor"},
         {{"greets", "greeted"},
          {"helps", "helped"},
          {"calls", "called"},
          {"pays", "paid"},
          {"visits", "visited"},
          {"thanks", "thanked"},
          {"trusts", "trusted"},
          {"blames", "blamed"}},
         {{"tall", "short", "proud", "young", "strong"}, {"happy", "angry", "tired", "calm", "brave", "shy"}}},
    };
    return domains;
}

const std::vector<std::string>& demoFunctionWords()
{
    static const std::vector<std::string> words = {"a", "no", "is", "by"};
    return words;
}

} // namespace headscope::core
