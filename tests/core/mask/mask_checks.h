#pragma once
// Checks shared by the mask tests: a mask built from pruned (layer, head) pairs, and comparisons
// that print what differed instead of a bare false.
#include "mask/mask_file.h"

#include <QtTest>
#include <initializer_list>
#include <string>
#include <utility>

namespace headscope::testing {

inline core::HeadMask maskWithPruned(int nLayers, int nHeads, std::initializer_list<std::pair<int, int>> pruned)
{
    core::HeadMask m(nLayers, nHeads);
    for (const auto& [layer, head] : pruned)
        m.setKept(layer, head, false);
    return m;
}

inline bool sameMask(const core::HeadMask& got, const core::HeadMask& want)
{
    if (got == want) return true;
    qWarning("mask differs:\n got %dx%d\n%s want %dx%d\n%s", got.nLayers(), got.nHeads(),
             core::maskToCsv(got).c_str(), want.nLayers(), want.nHeads(), core::maskToCsv(want).c_str());
    return false;
}

/// The error has the code, names the path and mentions every fragment.
inline bool isError(const core::Result<core::MaskSet>& r, core::ErrorCode code, const std::string& path,
                    std::initializer_list<const char*> fragments)
{
    if (r.ok()) {
        qWarning("expected an error, got a mask set");
        return false;
    }
    const std::string text = r.error().toString();
    bool ok = r.error().code == code && r.error().path == path && text.find(path) != std::string::npos;
    for (const char* f : fragments)
        ok = ok && text.find(f) != std::string::npos;
    if (!ok) qWarning("unexpected error [%s]: %s", core::errorCodeName(r.error().code), text.c_str());
    return ok;
}

} // namespace headscope::testing
