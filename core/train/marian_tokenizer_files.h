#pragma once
// The tokenizer files of a Marian model trained from scratch: one SentencePiece model per
// language (trained by libsentencepiece in headscope-spm-train, a process of its own) and
// Marian's joint vocab.json (</s> 0, <unk> 1, the pieces, <pad> last = decoder start), plus
// generation_config.json, tokenizer_config.json and special_tokens_map.json.
//
//   MarianTokenizerParams p; p.spmTrainProgram = "build/app/train/headscope-spm-train";
//   auto tok = trainMarianTokenizer("corpus/train.src", "corpus/train.tgt", "work", p);
//   TranslationTrainer::create(config /* vocab tok->vocabSize */, tok->files, ...);
#include "train/translation_trainer.h"
#include "util/result.h"

#include <cstdint>
#include <string>

namespace headscope::core {

struct MarianTokenizerParams
{
    std::string spmTrainProgram; // headscope-spm-train
    int vocabSize = 200;         // per SentencePiece model, a soft limit (small corpora have fewer pieces)
    uint64_t seed = 1;
    int maxPositions = 128;      // tokenizer_config's model_max_length
    int maxLength = 64;          // generation_config's max_length (start token included)
    std::string sourceLanguage = "src";
    std::string targetLanguage = "tgt";
};

struct MarianTokenizerFiles
{
    TranslationTrainer::Files files; // source.spm, target.spm, vocab.json and the three JSON files
    int vocabSize = 0;               // entries of vocab.json; <pad> is vocabSize - 1
    int sourcePieces = 0;
    int targetPieces = 0;
};

/// Trains both SentencePiece models (unigram, every character kept) in workDir and builds the
/// files. Errors name the training file or the program that failed.
Result<MarianTokenizerFiles> trainMarianTokenizer(const std::string& sourceTrain, const std::string& targetTrain,
                                                  const std::string& workDir, const MarianTokenizerParams& params);

} // namespace headscope::core
