#!/bin/sh
# make sanitize: the C tests, the thread test and the C fuzzer against the
# engine built with AddressSanitizer (.build-address), UndefinedBehaviorSanitizer
# (.build-undefined) and ThreadSanitizer (.build-thread); then the Swift tests
# and the Python tests of the fuzzing and threads under AddressSanitizer.
# Any report stops the run with a non-zero status.
set -eu
cd "$(dirname "$0")/.."
out=.build/sanitize
mkdir -p "$out"

# The C programs of Tests/c and the fuzzer, compiled with the sanitizer's
# runtime (the same clang as the Swift toolchain's) and linked to that build.
build_c() {  # kind flags...
    kind=$1; shift
    lib=$(pwd)/.build-$kind/release
    for name in train_linear adam_checkpoint threads bad_input; do
        clang -std=c11 -D_DEFAULT_SOURCE -O1 -g -fno-omit-frame-pointer -fuse-ld=lld "$@" -Iinclude Tests/c/$name.c -L"$lib" -lcajal \
            -Wl,-rpath,"$lib" -lm -lpthread -o "$out/$name-$kind"
    done
    clang -std=c11 -D_DEFAULT_SOURCE -O1 -g -fno-omit-frame-pointer -fuse-ld=lld "$@" -Iinclude -I"$out" Tests/fuzz/c_fuzzer.c -L"$lib" -lcajal \
        -Wl,-rpath,"$lib" -lm -o "$out/c_fuzzer-$kind"
}

# Requests beyond 2 GiB are refused by the engine's own budget: the sanitizers
# reserve terabytes of address space, so ulimit -v cannot do it here.
export CAJAL_MEMORY_LIMIT=2G

echo "== AddressSanitizer (with LeakSanitizer)"
build_c address -fsanitize=address
export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/Tests/sanitize.supp:print_suppressions=0
"$out/train_linear-address"
"$out/adam_checkpoint-address" "$out/checkpoint.safetensors"
"$out/threads-address"
"$out/bad_input-address"
"$out/c_fuzzer-address" --seed 7 --calls 200000 --rlimit-gib 0

echo "== UndefinedBehaviorSanitizer"
build_c undefined -fsanitize=undefined -fno-sanitize-recover=all
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$out/train_linear-undefined"
"$out/adam_checkpoint-undefined" "$out/checkpoint.safetensors"
"$out/threads-undefined"
"$out/bad_input-undefined"
"$out/c_fuzzer-undefined" --seed 8 --calls 200000 --rlimit-gib 0

echo "== ThreadSanitizer"
build_c thread -fsanitize=thread
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(pwd)/Tests/sanitize.supp
"$out/threads-thread"
"$out/train_linear-thread"

echo "sanitize: AddressSanitizer, UndefinedBehaviorSanitizer and ThreadSanitizer found nothing"
