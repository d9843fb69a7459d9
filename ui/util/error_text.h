#pragma once
// What the UI shows for a core error: core::Error's own wording (the file, the problem, the
// detail), so that a message reads the same in a dialog, the status bar and the CLI.
#include "util/result.h"

#include <QString>

namespace headscope::ui {

inline QString errorText(const core::Error& e)
{
    return QString::fromStdString(e.toString());
}

} // namespace headscope::ui
