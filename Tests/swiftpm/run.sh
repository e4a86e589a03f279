#!/bin/sh
# A Swift package depending on cajal by version, as users' packages do:
# a clone of this checkout's HEAD tagged with the package's version, reached
# through a file:// URL and `from: "<version>"`. SwiftPM refuses unsafeFlags
# in such a dependency, so this proves the portable build (Package.swift)
# resolves, builds and trains. Usage: Tests/swiftpm/run.sh [debug|release]
set -eu
configuration=${1:-debug}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' "$root/python/cajal/__init__.py")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone --quiet "$root" "$work/cajal"
git -C "$work/cajal" tag "$version"
mkdir -p "$work/consumer"
cp -R "$here/Consumer/Sources" "$work/consumer/"
sed -e "s|@CAJAL_URL@|file://$work/cajal|" -e "s|@CAJAL_VERSION@|$version|" \
    "$here/Consumer/Package.swift.in" > "$work/consumer/Package.swift"
cd "$work/consumer"
env -u CAJAL_PORTABLE swift build -c "$configuration" > build.log 2>&1 || { cat build.log; exit 1; }
output=$(".build/$configuration/Consumer")
echo "$output"
grep -q "\"version\" : \"$version\"" Package.resolved || { echo "FAIL: Package.resolved does not pin cajal $version"; exit 1; }
# y = 3x - 2 is learned, and the kernels are the portable ones.
echo "$output" | awk '{ w = $2; b = $4; exit !(w > 2.99 && w < 3.01 && b > -2.01 && b < -1.99 && $8 == "baseline") }' \
    || { echo "FAIL: the consumer did not learn y = 3x - 2 with the portable kernels"; exit 1; }
echo "swiftpm: a package depending on cajal from: \"$version\" builds and trains"
