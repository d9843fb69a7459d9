#pragma once
// Mask files: HeadScope's versioned JSON and converters to Hugging Face pruned_heads, the
// paper's descriptors ("0:1,5 3:0"; translation "E:0:1,5 A:2:3 D:5:0"; layers and heads
// 0-based in HeadScope's descriptors) and a layers x heads 0/1 matrix (CSV or .npy; 1 = kept).
// The paper's own code counts from 1 ("1:2,6 4:1"): use the *PaperDescriptor functions for those.
//
//   auto set = readMaskFile("mask.json");              // any format, by extension/content
//   auto mask = set->maskFor(AttentionType::EncoderSelf, 12, 12); // refuses other shapes
#include "mask/head_mask.h"
#include "util/result.h"

#include <map>
#include <string>
#include <vector>

namespace headscope::core {

/// PaperDescriptor is the paper code's 1-based descriptor; it is never guessed from a file name.
enum class MaskFormat { HeadScopeJson, HfPrunedHeads, Descriptor, PaperDescriptor, Csv, Npy };
const char* maskFormatName(MaskFormat f); // "json", "hf", "descriptor", "paper", "csv", "npy"
bool parseMaskFormat(const std::string& s, MaskFormat& out);
/// Every format's name, in the order above.
const std::vector<std::string>& maskFormatNames();
/// From the file name: .json (HeadScope or HF, told apart by content), .txt/.desc (descriptor),
/// .csv, .npy.
MaskFormat maskFormatFromPath(const std::string& path);

struct MaskSet
{
    std::string architecture = "bert";
    int nLayers = 0;
    int nHeads = 0;
    std::map<AttentionType, HeadMask> masks;
    std::string sourcePath; // the file it was read from, named in maskFor's errors

    /// The mask of one type, checked against the model's shape (ShapeMismatch error otherwise,
    /// naming both shapes). A type absent from the set gives all heads kept.
    Result<HeadMask> maskFor(AttentionType type, int nLayers, int nHeads) const;
    static MaskSet fromMask(const HeadMask& mask, const std::string& architecture = "bert",
                            AttentionType type = AttentionType::EncoderSelf);
};

/// Serialisers; shape information a format lacks (HF, descriptor) comes from the set.
std::string maskToJson(const MaskSet& set);
std::string maskToHfPrunedHeads(const MaskSet& set);     // {"0":[1,5],"3":[0]}
std::string maskToDescriptor(const MaskSet& set);        // "0:1,5 3:0"
std::string maskToPaperDescriptor(const MaskSet& set);   // 1-based, as the paper's code: "1:2,6 4:1"
std::string maskToCsv(const HeadMask& mask);             // one row per layer, 1 kept / 0 masked
std::string maskToNpy(const HeadMask& mask);             // float32 [layers, heads], binary

/// Parsers. Those without shape info take it from nLayers/nHeads (> 0) and check indices.
Result<MaskSet> maskFromJson(const std::string& text, const std::string& pathForErrors);
Result<MaskSet> maskFromHfPrunedHeads(const std::string& text, int nLayers, int nHeads,
                                      const std::string& pathForErrors);
Result<MaskSet> maskFromDescriptor(const std::string& text, int nLayers, int nHeads,
                                   const std::string& pathForErrors);
/// The paper code's 1-based descriptors ("1:1,2 2:1", translation "E:1:1,2 A:3:4").
Result<MaskSet> maskFromPaperDescriptor(const std::string& text, int nLayers, int nHeads,
                                        const std::string& pathForErrors);
Result<MaskSet> maskFromCsv(const std::string& text, const std::string& pathForErrors);
Result<MaskSet> maskFromNpy(const std::string& bytes, const std::string& pathForErrors);

/// Reads any supported format (nLayers/nHeads needed only for HF and descriptor files).
Result<MaskSet> readMaskFile(const std::string& path, int nLayers = 0, int nHeads = 0);
/// Reads a file in the given format, whatever its name says.
Result<MaskSet> readMaskFileAs(const std::string& path, MaskFormat format, int nLayers, int nHeads);
/// Writes in the given format (Csv/Npy write the encoder_self mask).
Result<bool> writeMaskFile(const std::string& path, const MaskSet& set, MaskFormat format);

} // namespace headscope::core
