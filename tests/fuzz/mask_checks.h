#pragma once
// What both mask fuzz targets do with a mask set a parser accepted: take every type's mask at
// the set's own shape and write it in every format, as the CLI and the GUI do after reading.
#include "mask/mask_file.h"

#include <cstdlib>

namespace headscope::fuzz {

inline void useMaskSet(const core::MaskSet& set)
{
    using namespace headscope::core;
    for (const auto& [type, mask] : set.masks) {
        auto m = set.maskFor(type, mask.nLayers(), mask.nHeads());
        if (m)
            (void)maskToCsv(*m);
    }
    (void)maskToDescriptor(set);
    (void)maskToPaperDescriptor(set);
    (void)maskToHfPrunedHeads(set);
    // HeadScope's own JSON of an accepted set must read back.
    if (!maskFromJson(maskToJson(set), "fuzz/roundtrip.json"))
        std::abort();
}

} // namespace headscope::fuzz
