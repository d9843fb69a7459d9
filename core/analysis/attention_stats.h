#pragma once
// Attention entropy per head and attention matrices for the teaching view.
#include "analysis/encoded_dataset.h"
#include "analysis/importance.h"
#include "mask/head_mask.h"
#include "util/result.h"

#include <string>
#include <vector>

namespace headscope::core {

class EncoderModel;

struct EntropyParams
{
    int batchSize = 32;
    HeadMask mask; // empty: all heads
};

/// The entropy matrix with the settings that produced it (what the GUI keeps and exports).
struct EntropyResult
{
    EntropyParams params;
    Matrix entropy; // [layer][head], nats, NaN for absent heads
};

/// Mean entropy (nats) of each head's attention rows over non-padding query positions (the
/// definition of Hugging Face's bertology script). [layer][head]; heads absent give NaN.
Result<Matrix> attentionEntropy(const EncoderModel& model, const EncodedDataset& data, const EntropyParams& params,
                                const Progress& progress = {});

struct AttentionView
{
    size_t example = 0;                      // index in the dataset (0-based)
    int layer = 0;
    int head = 0;
    bool headMaskedAlready = false;          // the head was masked in the mask used
    std::vector<std::string> tokens;
    std::vector<std::vector<float>> weights; // [query][key]
    double entropy = 0.0;                    // mean over query rows, nats
    std::vector<float> logits;               // with the given mask
    std::vector<float> logitsHeadMasked;     // with this head masked as well
    int prediction = -1;
    int predictionHeadMasked = -1;
};

/// Attention matrix of one head for one example, and the prediction with that head masked.
Result<AttentionView> attentionForExample(const EncoderModel& model, const EncodedDataset& data, size_t example,
                                          int layer, int head, const HeadMask& mask = {});

} // namespace headscope::core
