#include "io/bert_classifier_config.h"

namespace headscope::core {

ModelConfig bertClassifierConfig(const BertShape& shape)
{
    ModelConfig c;
    c.architecture = Architecture::Bert;
    c.modelType = "bert";
    c.nLayers = shape.nLayers;
    c.nHeads = shape.nHeads;
    c.hiddenSize = shape.hiddenSize;
    c.intermediateSize = shape.intermediateSize;
    c.maxPositionEmbeddings = shape.maxPositions;
    c.typeVocabSize = 2;
    c.vocabSize = shape.vocabSize;
    c.padTokenId = shape.padTokenId;
    c.id2label = shape.labels;
    c.nLabels = int(shape.labels.size());
    for (size_t i = 0; i < shape.labels.size(); ++i)
        c.label2id[shape.labels[i]] = int(i);
    return c;
}

} // namespace headscope::core
