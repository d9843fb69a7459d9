#pragma once
// Loads a model folder a test just wrote (one engine thread, so tests do not fight over cores);
// null with a warning naming the error. Header-only: only tests linking the engine include it.
#include "model/encoder_model.h"

#include <QtGlobal>

#include <memory>
#include <string>

namespace headscope::testing {

inline std::shared_ptr<const core::EncoderModel> loadSingleThreaded(const std::string& dir)
{
    core::LoadOptions opt;
    opt.nThreads = 1;
    auto loaded = core::EncoderModel::load(dir, opt);
    if (!loaded) {
        qWarning("%s", loaded.error().toString().c_str());
        return nullptr;
    }
    return loaded.value();
}

} // namespace headscope::testing
