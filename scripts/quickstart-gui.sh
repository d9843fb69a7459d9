#!/usr/bin/env bash
# Quick start (1): install the Debian packages, build the release configuration and open the GUI.
# Extra arguments go to the GUI, e.g. scripts/quickstart-gui.sh --model DIR --data FILE.
# HEADSCOPE_JOBS sets the build's parallelism (default 2: LibTorch translation units need ~2 GB each).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs="${HEADSCOPE_JOBS:-2}"

echo "quickstart-gui: installing dependencies"
bash scripts/install-deps.sh

echo "quickstart-gui: configuring (preset release)"
cmake --preset release

echo "quickstart-gui: building the GUI (-j${jobs})"
start=$(date +%s)
cmake --build --preset release --target headscope -j "${jobs}"
echo "quickstart-gui: build took $(( $(date +%s) - start )) s"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "quickstart-gui: no DISPLAY or WAYLAND_DISPLAY set; the window needs a graphical session" >&2
fi

# app/ may put the binary in a subfolder; take the first one that exists.
exe=""
for candidate in build/release/app/gui/headscope build/release/app/headscope; do
  if [ -x "${candidate}" ]; then exe="${candidate}"; break; fi
done
if [ -z "${exe}" ]; then
  echo "quickstart-gui: the build finished but no headscope binary was found under build/release/app" >&2
  exit 1
fi

echo "quickstart-gui: starting ${exe} $*"
exec "${exe}" "$@"
