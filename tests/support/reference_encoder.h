#pragma once
// Float64 reference forward of the tiny BERT / DistilBERT classifiers: plain loops, no LibTorch,
// written from the equations, so engine tests have an oracle independent of the engine.
//
//   TinyBertModel m = makeTinyBert(spec);
//   std::vector<double> logits = referenceLogits(m, ReferenceInput{{2, 40, 17, 3}, {}});
//   HeadMaskValues mask = allOnesHeadMask(m.spec);
//   mask[1][2] = 0.0;                                   // mask layer 1, head 2
//   auto masked = referenceLogits(m, input, &mask);
//
// A head-mask value ξ multiplies the head's context (its attention output before the output
// projection); heads pruned in the spec are absent and their mask entries are ignored.
// Errors (bad ids, shapes, mask sizes) throw headscope::core::ErrorException.
#include "reference_input.h"
#include "tiny_bert_writer.h"

#include <cstdint>
#include <vector>

namespace headscope::testing {

/// [layer][original head] mask values ξ (1 = kept, 0 = masked; any real value allowed).
using HeadMaskValues = std::vector<std::vector<double>>;
/// [layer][original head][query][key] attention probabilities.
using AttentionProbs = std::vector<std::vector<std::vector<std::vector<double>>>>;

struct ReferenceOptions
{
    const HeadMaskValues* headMask = nullptr;  // nullptr: all ones
    const std::vector<int>* keyMask = nullptr; // [t] 1 = token, 0 = padding (excluded as a key)
    /// [layer][original head][t]: extra factor on the head's context at token t (for per-token
    /// derivatives such as the paper code's importance); nullptr: all ones.
    const std::vector<std::vector<std::vector<double>>>* tokenHeadScale = nullptr;
};

struct ReferenceTrace
{
    std::vector<double> logits;
    /// [nLayers + 1][t * hidden + c]: embeddings after LayerNorm, then each layer's output.
    std::vector<std::vector<double>> hiddenStates;
    /// Softmax probabilities before ξ is applied; empty for pruned heads. Padding keys get 0.
    AttentionProbs attentionProbs;
    /// [layer][original head][t * headDim + e]: the head's context before ξ; empty when pruned.
    std::vector<std::vector<std::vector<double>>> headContexts;
};

/// Padded batch: every row has the same length; attentionMask is 1 for tokens, 0 for padding.
struct ReferenceBatch
{
    std::vector<std::vector<int64_t>> ids;
    std::vector<std::vector<int64_t>> typeIds;
    std::vector<std::vector<int>> attentionMask;
};

/// All-ones [nLayers][nHeads] mask.
HeadMaskValues allOnesHeadMask(const TinyBertSpec& spec);
/// Full forward with every intermediate the tests may compare.
ReferenceTrace referenceForward(const TinyBertWeights& weights, const TinyBertSpec& spec,
                                const ReferenceInput& input, const ReferenceOptions& options = {});
/// Classifier logits of one example.
std::vector<double> referenceLogits(const TinyBertWeights& weights, const TinyBertSpec& spec,
                                    const ReferenceInput& input, const HeadMaskValues* headMask = nullptr);
/// Same, for a TinyBertModel.
std::vector<double> referenceLogits(const TinyBertModel& model, const ReferenceInput& input,
                                    const HeadMaskValues* headMask = nullptr);

/// Pads examples (right side, padId, token type 0) to the longest one or to length if larger.
ReferenceBatch padReferenceBatch(const std::vector<ReferenceInput>& inputs, int64_t padId = 0,
                                 int length = 0);
/// Logits of each row of a padded batch; padding keys are excluded from every softmax.
std::vector<std::vector<double>> referenceLogitsBatch(const TinyBertWeights& weights,
                                                      const TinyBertSpec& spec, const ReferenceBatch& batch,
                                                      const HeadMaskValues* headMask = nullptr);
/// Pads the examples with padReferenceBatch and runs the batch.
std::vector<std::vector<double>> referenceLogitsBatch(const TinyBertWeights& weights,
                                                      const TinyBertSpec& spec,
                                                      const std::vector<ReferenceInput>& inputs,
                                                      const HeadMaskValues* headMask = nullptr);

/// [layer][original head][query][key] probabilities of one example (see ReferenceTrace).
AttentionProbs referenceAttentionProbs(const TinyBertWeights& weights, const TinyBertSpec& spec,
                                       const ReferenceInput& input, const HeadMaskValues* headMask = nullptr);

/// Cross-entropy -log softmax(logits)[label].
double referenceLoss(const std::vector<double>& logits, int label);
/// Cross-entropy of one example's logits under a head mask.
double referenceLoss(const TinyBertWeights& weights, const TinyBertSpec& spec, const ReferenceInput& input,
                     int label, const HeadMaskValues* headMask = nullptr);
/// dL/dξ[layer][head] at ξ = headMask (all ones when nullptr) by central differences
/// (step h, error O(h^2)); 0 for pruned heads.
HeadMaskValues referenceMaskGradient(const TinyBertWeights& weights, const TinyBertSpec& spec,
                                     const ReferenceInput& input, int label,
                                     const HeadMaskValues* headMask = nullptr, double step = 1e-4);
/// dL/ds[layer][head][t] of a per-token context factor s at 1 (= <dL/dctx_t, ctx_t>, the paper
/// code's importance term before its absolute value) by central differences; empty for pruned heads.
std::vector<std::vector<std::vector<double>>> referenceTokenHeadGradient(const TinyBertWeights& weights,
                                                                         const TinyBertSpec& spec,
                                                                         const ReferenceInput& input,
                                                                         int label, double step = 1e-4);

} // namespace headscope::testing
