#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (-fsanitize=fuzzer,address,undefined, in
# build/fuzz, HEADSCOPE_FUZZ=ON: the torch-free parsers only) and runs each for a while:
#
#   scripts/fuzz.sh [seconds] [target...]     # default: 30 s, every target, one after another
#
# Prints target / execs / exec/s / cov / corpus (libFuzzer's final cov: and corp:) / crashes
# and exits 1 when any target crashed, leaked, hung or ran out of memory (the input is in
# build/fuzz/crashes/<target>/; rerun the target on it to see the report). Exits 77 when
# clang with libFuzzer is not installed.
# The corpus grows in build/fuzz/corpus/<target>/, seeded from tests/fuzz/corpus/<target>/.
# HEADSCOPE_JOBS sets the build's parallelism (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-30}"
shift || true
jobs="${HEADSCOPE_JOBS:-2}"
build=build/fuzz

find_clang() {
    local c
    for c in clang++ clang++-14 clang++-15 clang++-16; do
        if command -v "$c" >/dev/null 2>&1; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

if ! cxx="$(find_clang)"; then
    echo "fuzz: clang++ not found (Debian: apt-get install clang); nothing fuzzed" >&2
    exit 77
fi
# Debian ships libFuzzer with clang (libclang_rt.fuzzer); check that this clang can link it.
probe="$(mktemp -d)"
trap 'rm -rf "${probe}"' EXIT
printf '#include <cstdint>\n#include <cstddef>\nextern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n' \
    > "${probe}/probe.cpp"
if ! "${cxx}" -fsanitize=fuzzer "${probe}/probe.cpp" -o "${probe}/probe" >/dev/null 2>&1; then
    echo "fuzz: ${cxx} cannot link libFuzzer (-fsanitize=fuzzer); nothing fuzzed" >&2
    exit 77
fi

# The compiler is set on the first configure only: CMake drops the whole cache (the option
# included) when it sees another one later.
echo "fuzz: configuring ${build}"
if [ -f "${build}/CMakeCache.txt" ]; then
    cmake -S . -B "${build}" -DHEADSCOPE_FUZZ=ON >/dev/null
else
    launcher=()
    command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S . -B "${build}" -G Ninja -DHEADSCOPE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_COMPILER="${cxx}" "${launcher[@]}" >/dev/null
fi
start=$(date +%s)
cmake --build "${build}" -j "${jobs}"
elapsed=$(( $(date +%s) - start ))
printf 'fuzz: build took %dm%02ds\n' $(( elapsed / 60 )) $(( elapsed % 60 ))

if [ "$#" -eq 0 ]; then
    set -- $(find "${build}/tests/fuzz" -maxdepth 1 -type f -executable -name 'fuzz_*' -printf '%f\n' | sort)
fi

# The dictionary of each target: the keys and values its parser looks for.
dictionary_of() {
    case "$1" in
        fuzz_safetensors) echo tests/fuzz/safetensors.dict ;;
        fuzz_mask_npy) echo tests/fuzz/npy.dict ;;
        fuzz_mask_text) echo tests/fuzz/mask.dict ;;
        fuzz_vocab_txt) echo tests/fuzz/vocab.dict ;;
        *) echo tests/fuzz/json.dict ;;
    esac
}

rows=()
failed=0
for target in "$@"; do
    binary="${build}/tests/fuzz/${target}"
    if [ ! -x "${binary}" ]; then
        echo "fuzz: no target ${target}" >&2
        failed=1
        continue
    fi
    corpus="${build}/corpus/${target}"
    crashes="${build}/crashes/${target}"
    log="${build}/logs/${target}.log"
    mkdir -p "${corpus}" "${crashes}" "$(dirname "${log}")"
    seeds=()
    [ -d "tests/fuzz/corpus/${target}" ] && seeds=("tests/fuzz/corpus/${target}")
    before=$(ls "${crashes}" | wc -l)
    echo "fuzz: ${target} for ${seconds} s (log ${log})"
    status=0
    "${binary}" -max_total_time="${seconds}" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
        -dict="$(dictionary_of "${target}")" -artifact_prefix="${crashes}/" -print_final_stats=1 \
        "${corpus}" "${seeds[@]}" > "${log}" 2>&1 || status=$?
    found=$(( $(ls "${crashes}" | wc -l) - before ))
    if [ "${status}" -ne 0 ] && [ "${found}" -eq 0 ]; then
        found=1 # a failure that left no artifact (the log says what)
    fi
    [ "${found}" -gt 0 ] && failed=1
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "${log}" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "${log}" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "${log}" | tail -1 | cut -d' ' -f2)
    units=$(grep -o 'corp: [0-9]*' "${log}" | tail -1 | cut -d' ' -f2)
    rows+=("$(printf '%-22s %12s %9s %7s %8s %8s' "${target}" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${units:-?}" "${found}")")
    if [ "${found}" -gt 0 ]; then
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "${log}" | head -5 >&2 || true
    fi
done

printf '\n%-22s %12s %9s %7s %8s %8s\n' target execs exec/s cov corpus crashes
printf '%s\n' "${rows[@]}"
if [ "${failed}" -ne 0 ]; then
    echo "fuzz: FAILED: inputs in ${build}/crashes/<target>/" >&2
    exit 1
fi
echo "fuzz: no crash, leak, hang or out-of-memory"
