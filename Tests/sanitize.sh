#!/bin/sh
# make sanitize: the C tests, the thread test and the C fuzzer against the
# engine built with AddressSanitizer (.build-address/release), the
# undefined-behaviour build (.build-undefined/debug: Swift's own overflow and
# bounds checks in every module, the -Ounchecked kernels included, and the C
# targets under UndefinedBehaviorSanitizer) and ThreadSanitizer
# (.build-thread/release).
# Any report stops the run with a non-zero status.
set -eu
cd "$(dirname "$0")/.."
out=.build/sanitize
mkdir -p "$out"

# The C programs of Tests/c and the fuzzer, compiled with the sanitizer's
# runtime (the same clang as the Swift toolchain's) and linked to that build.
build_c() {  # kind configuration flags...
    kind=$1; lib=$(pwd)/.build-$kind/$2; shift 2
    ln -sf libcajal.so "$lib/libcajal.so.0"  # its SONAME, as `make lib` links it
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
build_c address release -fsanitize=address
export ASAN_OPTIONS=allocator_may_return_null=1:detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS=suppressions=$(pwd)/Tests/sanitize.supp:print_suppressions=0
"$out/train_linear-address"
"$out/adam_checkpoint-address" "$out/checkpoint.safetensors"
"$out/threads-address"
"$out/bad_input-address"
"$out/c_fuzzer-address" --seed 7 --calls 200000 --rlimit-gib 0

echo "== UndefinedBehaviorSanitizer"
build_c undefined debug -fsanitize=undefined -fno-sanitize-recover=all
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
"$out/train_linear-undefined"
"$out/adam_checkpoint-undefined" "$out/checkpoint.safetensors"
"$out/threads-undefined"
"$out/bad_input-undefined"
"$out/c_fuzzer-undefined" --seed 8 --calls 200000 --rlimit-gib 0

# The Python calls of the crash campaign on the same checked build: Swift's
# checks in the -Ounchecked kernels see what release builds would not.
CAJAL_LIBRARY_PATH=$(pwd)/.build-undefined/debug LD_PRELOAD=$(clang -print-file-name=libclang_rt.ubsan_standalone-x86_64.so) \
    python3 Tests/fuzz/campaign.py --python-calls 200000 --c-calls 0 --workers 2 --seed 20261208 --report "$out/python-checked.md"

echo "== ThreadSanitizer"
# The Swift toolchain's static TSan runtime intercepts libdispatch, so it links
# the toolchain's libdispatch and BlocksRuntime.
swift_lib=$(dirname "$(command -v swift)")/../lib/swift/linux
build_c thread release -fsanitize=thread -L"$swift_lib" -ldispatch -lBlocksRuntime -Wl,-rpath,"$swift_lib"
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(pwd)/Tests/sanitize.supp
"$out/threads-thread"
"$out/train_linear-thread"

echo "sanitize: AddressSanitizer, the checked build (with UndefinedBehaviorSanitizer) and ThreadSanitizer found nothing"
