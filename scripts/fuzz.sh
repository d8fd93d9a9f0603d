#!/usr/bin/env bash
# Fuzzes Steward's parsers of outside input (the cargo-fuzz targets in
# fuzz/, one per parser) for a time budget each, outside CI:
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     # default: all, 300 s each
#   scripts/fuzz.sh [TARGET|all] 0             # only minimise the kept corpus
#
# Each run is bounded (-max_total_time, -rss_limit_mb, -timeout). New
# inputs are found in a scratch folder and merged into fuzz/corpus/TARGET
# minimised (-merge=1 keeps only those that add coverage), where the replay
# test (crates/web/tests/fuzz_corpus.rs, run by CI) feeds them to the same
# entry points. A panic, hang or memory blow-up is minimised (cargo fuzz
# tmin) and kept as fuzz/corpus/TARGET/regress-*: the replay test then
# fails until the code gives a clear error instead; fix it, keep the file.
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# Settings: FUZZ_RSS_MB (default 2048), FUZZ_TIMEOUT (seconds per input,
# default 10), FUZZ_ARGS (more libFuzzer flags, e.g. -max_len=65536),
# FUZZ_SANITIZER (default none: a safe-Rust code base, twice the speed).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

target=${1:-all}
seconds=${2:-300}
rss=${FUZZ_RSS_MB:-2048}
timeout=${FUZZ_TIMEOUT:-10}
sanitizer=${FUZZ_SANITIZER:-none}

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz.sh: needs cargo-fuzz on the nightly toolchain:" >&2
    echo "  rustup toolchain install nightly && cargo install cargo-fuzz" >&2
    exit 2
fi
mapfile -t all < <(cargo +nightly fuzz list)
if [ "$target" = all ]; then
    targets=("${all[@]}")
elif printf '%s\n' "${all[@]}" | grep -qx "$target"; then
    targets=("$target")
else
    echo "fuzz.sh: no target $target; the targets: ${all[*]}" >&2
    exit 2
fi
case $seconds in '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number" >&2; exit 2 ;; esac

# Release with debug assertions and overflow checks as fuzz/Cargo.toml's
# profile says (-O: cargo fuzz's default would force them on for every
# crate, mail-parser's included).
flags=(-O -s "$sanitizer")
cargo +nightly fuzz build "${flags[@]}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
for t in "${targets[@]}"; do
    corpus=corpus/$t
    mkdir -p "$corpus" "$scratch/$t" "artifacts/$t"
    log=$scratch/$t.log
    echo "== $t: ${seconds} s (corpus $(find "$corpus" -type f | wc -l) files)"
    # New finds go to the first folder (scratch); the kept corpus is read.
    if [ "$seconds" = 0 ]; then
        :
    elif cargo +nightly fuzz run "${flags[@]}" "$t" "$scratch/$t" "$corpus" -- \
        -max_total_time="$seconds" -rss_limit_mb="$rss" -timeout="$timeout" \
        -print_final_stats=1 ${FUZZ_ARGS:-} >"$log" 2>&1; then
        grep -E '^stat::(number_of_executed_units|peak_rss_mb|new_units_added)' "$log" | tr '\n' ' '
        echo
    else
        failed+=("$t")
        artifact=$(grep -oE 'artifacts/[^ ]+' "$log" | tail -1 || true)
        grep -E 'panicked|ERROR: libFuzzer|SUMMARY|^Failing input' "$log" | head -5 || true
        if [ -n "$artifact" ] && [ -f "$artifact" ]; then
            cargo +nightly fuzz tmin "${flags[@]}" "$t" "$artifact" -- -rss_limit_mb="$rss" \
                -timeout="$timeout" >"$scratch/$t.tmin.log" 2>&1 || true
            small=$(grep -oE 'artifacts/[^ ]*minimized-from-[^ ]+' "$scratch/$t.tmin.log" | tail -1 || true)
            keep=${small:-$artifact}
            name=regress-$(sha1sum "$keep" | cut -c1-12)
            cp "$keep" "$corpus/$name"
            echo "   kept as fuzz/$corpus/$name (full log: fuzz/artifacts/$t/last.log)"
        fi
        cp "$log" "artifacts/$t/last.log"
    fi
    # The kept corpus minimised: the seeds (seed-*) and regressions
    # (regress-*) stay as named; of the rest and the new finds, the fewest
    # inputs that cover as many edges (-merge=1 into an empty folder).
    min=$scratch/$t.min
    mkdir -p "$min"
    # Edge coverage only (-use_counters=0): a third of the files.
    if cargo +nightly fuzz run "${flags[@]}" "$t" "$min" "$corpus" "$scratch/$t" -- -merge=1 \
        -use_counters=0 -rss_limit_mb="$rss" -timeout="$timeout" >"$scratch/$t.merge.log" 2>&1; then
        find "$corpus" -type f ! -name 'seed-*' ! -name 'regress-*' -delete
        named=$(find "$corpus" -type f -exec sha1sum {} + | cut -c1-40)
        for f in "$min"/*; do
            [ -e "$f" ] || continue
            sum=$(sha1sum "$f" | cut -c1-40)
            grep -q "$sum" <<<"$named" || cp "$f" "$corpus/$sum"
        done
    else
        echo "   the merge failed (see fuzz/artifacts/$t/merge.log); the corpus is as it was"
        cp "$scratch/$t.merge.log" "artifacts/$t/merge.log"
    fi
    echo "   corpus now $(find "$corpus" -type f | wc -l) files, $(du -sh --apparent-size "$corpus" | cut -f1)"
done

# What libFuzzer leaves where it ran (tmin's steps); kept ones are above.
rm -f crash-* oom-* timeout-* slow-unit-* leak-*

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: found problems in: ${failed[*]}" >&2
    exit 1
fi
