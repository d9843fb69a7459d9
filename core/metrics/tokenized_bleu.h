#pragma once
// The paper's BLEU: Moses' multi-bleu.perl on text that is already tokenized. Words are split on
// ASCII whitespace only, -lc lowercases ASCII letters only (the script reads bytes), no
// smoothing, closest reference length (ties -> the shorter), brevity penalty as in BLEU.
//
//   auto r = tokenizedBleu(hyps, {refs}, false);   // r->corpus.score: "BLEU = 27.31, ..."
#include "metrics/bleu.h"

namespace headscope::core {

/// Corpus BLEU as multi-bleu.perl prints it. segments hold per-line statistics; signature is
/// empty (multi-bleu has none). Where multi-bleu.perl dies (an empty hypothesis corpus, a
/// division by zero) the score is 0 with bp 0.
Result<BleuResult> tokenizedBleu(const std::vector<std::string>& hypotheses,
                                 const std::vector<std::vector<std::string>>& refStreams,
                                 bool lowercase = false);

} // namespace headscope::core
