#pragma once
// Where Help > User guide finds the guide: installed next to the binary
// (../share/doc/headscope/user-guide.md) or in the source tree (docs/user-guide.md).
#include <QString>

namespace headscope::ui {

/// The user guide's file; empty when neither copy exists.
QString findUserGuide();

} // namespace headscope::ui
