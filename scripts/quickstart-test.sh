#!/usr/bin/env bash
# Quick start (2): install the Debian packages, build everything (release preset, tests included)
# and run the whole test suite, then fuzz every parser for 30 s (scripts/fuzz.sh; skipped with a
# note when clang with libFuzzer is absent). Fails when ctest or the fuzzing fails.
# HEADSCOPE_JOBS sets the build's parallelism (default 2: LibTorch translation units need ~2 GB each).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs="${HEADSCOPE_JOBS:-2}"

echo "quickstart-test: installing dependencies"
bash scripts/install-deps.sh

echo "quickstart-test: configuring (preset release, tests on)"
cmake --preset release -DHEADSCOPE_TESTS=ON

echo "quickstart-test: building everything (-j${jobs})"
start=$(date +%s)
cmake --build --preset release -j "${jobs}"
elapsed=$(( $(date +%s) - start ))
printf 'quickstart-test: build took %dm%02ds\n' $(( elapsed / 60 )) $(( elapsed % 60 ))

echo "quickstart-test: running the tests"
cd build/release
status=0
ctest --output-on-failure -j2 --no-tests=error || status=$?
echo "quickstart-test: ctest exited with status ${status}"
cd ../..

echo "quickstart-test: fuzzing each parser for 30 s (scripts/fuzz.sh)"
fuzz_status=0
HEADSCOPE_JOBS="${jobs}" bash scripts/fuzz.sh 30 || fuzz_status=$?
if [ "${fuzz_status}" -eq 77 ]; then
    echo "quickstart-test: fuzzing skipped: clang with libFuzzer is not installed"
elif [ "${fuzz_status}" -ne 0 ]; then
    echo "quickstart-test: fuzzing failed (status ${fuzz_status})"
    [ "${status}" -eq 0 ] && status=1
fi
exit "${status}"
