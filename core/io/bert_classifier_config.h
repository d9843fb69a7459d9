#pragma once
// A config for a new BERT classifier, shared by headscope-train and the bench programs.
#include "io/model_config.h"

#include <string>
#include <vector>

namespace headscope::core {

/// The shape of a new BERT classifier (what the trainer and the bench programs write):
/// post-LN, erf gelu, two token types, the given labels.
struct BertShape
{
    int nLayers = 0;
    int nHeads = 0;
    int hiddenSize = 0;
    int intermediateSize = 0;
    int maxPositions = 512;
    int vocabSize = 0;
    int padTokenId = 0;
    std::vector<std::string> labels; // id2label; label2id is derived
};
ModelConfig bertClassifierConfig(const BertShape& shape);

} // namespace headscope::core
