#!/usr/bin/env bash
# Native AOT smoke test: publishes samples/AotConsole (PublishAot, TrimMode=full, the whole SDK
# assembly rooted) for linux-x64, fails on ANY warning in the publish output, runs the native
# binary (real calls against an in-process emulator; it throws on a wrong result) and prints its size.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset GPTIMAGEHUB_API_KEY || true

project=samples/AotConsole
rid=linux-x64
binary="$project/bin/Release/net10.0/$rid/publish/AotConsole"
fail() { echo "aot smoke: FAILED: $*" >&2; exit 1; }

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# A fresh native compile every time: an up-to-date publish skips the AOT compiler, and with it
# the trim and AOT warnings this script is here to catch.
rm -rf "$project/obj/Release/net10.0/$rid" "$project/bin/Release/net10.0/$rid"

echo "== dotnet publish $project -c Release -r $rid"
set +e
dotnet publish "$project" -c Release -r "$rid" -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
[ "$status" -eq 0 ] || fail "dotnet publish exited with $status"
if grep -i "warning" "$log"; then
  fail "the publish output has warnings (above)"
fi
[ -x "$binary" ] || fail "no native binary at $binary"

echo "== run $binary"
"$binary" || fail "the native binary exited with $?"

size=$(stat -c %s "$binary")
echo "aot smoke: OK, native binary $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }') MiB)"
