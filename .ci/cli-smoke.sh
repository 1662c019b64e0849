#!/usr/bin/env bash
# Packaging proof for the gih tool: pack the SDK, the emulator and the CLI into a private feed,
# install the tool from it, start `gih emulator`, generate one image with the installed `gih`
# against it and check that a real PNG was written. Fails loudly and always cleans up.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The run must use only the key and address the emulator prints.
unset GPTIMAGEHUB_API_KEY GPTIMAGEHUB_BASE_URL || true

work=$(mktemp -d "${TMPDIR:-/tmp}/gih-smoke.XXXXXX")
feed=$work/feed
tools=$work/tools
images=$work/images
log=$work/emulator.log
emulator_pid=""
started=$SECONDS

cleanup() {
  local status=$?
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  if [ "$status" -ne 0 ]; then
    echo "cli-smoke: FAILED (exit $status)" >&2
  fi
  exit "$status"
}
trap cleanup EXIT

fail() {
  echo "cli-smoke: $*" >&2
  exit 1
}

version=$(dotnet msbuild src/GptImageHub.Cli/GptImageHub.Cli.csproj -nologo -getProperty:Version)
[ -n "$version" ] || fail "could not read the CLI's version"

echo "== pack GptImageHub.Sdk, GptImageHub.Emulator and GptImageHub.Cli $version"
for project in GptImageHub.Sdk GptImageHub.Emulator GptImageHub.Cli; do
  dotnet pack "src/$project/$project.csproj" -c Release -o "$feed" -nologo -v quiet
  [ -f "$feed/$project.$version.nupkg" ] || fail "$project.$version.nupkg was not created"
done

echo "== install the tool from the feed"
# A private package folder, so that a GptImageHub.Cli $version cached by an earlier run is never reused.
NUGET_PACKAGES=$work/packages dotnet tool install --tool-path "$tools" --add-source "$feed" GptImageHub.Cli --version "$version"
gih=$tools/gih
[ -x "$gih" ] || fail "the tool did not install $gih"

echo "== start gih emulator"
"$gih" emulator --credits 100 >"$log" 2>&1 &
emulator_pid=$!
for _ in $(seq 1 300); do
  grep -q 'Press Ctrl+C to stop.' "$log" && break
  kill -0 "$emulator_pid" 2>/dev/null || fail "gih emulator exited early: $(cat "$log")"
  sleep 0.1
done
url=$(sed -n 's/^GPT Image Hub emulator listening on //p' "$log")
key=$(sed -n 's/^API key ([0-9]* credits): //p' "$log")
[ -n "$url" ] && [ -n "$key" ] || fail "no URL and key from gih emulator within 30 s: $(cat "$log")"
echo "emulator at $url"

echo "== gih generate, after pasting the two export lines gih emulator printed (as the READMEs say)"
grep -q '^Then try: gih generate "a red fox"$' "$log" || fail "gih emulator did not suggest 'gih generate' (the installed tool's name): $(cat "$log")"
eval "$(grep -E '^export GPTIMAGEHUB_(BASE_URL|API_KEY)=' "$log")"
[ "${GPTIMAGEHUB_BASE_URL:-}" = "$url" ] && [ "${GPTIMAGEHUB_API_KEY:-}" = "$key" ] || fail "the export lines do not match the printed URL and key: $(cat "$log")"
"$gih" generate "a red fox" --out "$images"
png=$(find "$images" -maxdepth 1 -name '*.png' -type f | head -n 1)
[ -n "$png" ] || fail "gih generate wrote no PNG into $images"
signature=$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')
[ "$signature" = "89504e470d0a1a0a" ] || fail "$png does not start with the PNG signature (got $signature)"
echo "wrote $png ($(wc -c <"$png") bytes, PNG signature ok)"

echo "== stop the emulator"
kill -TERM "$emulator_pid"
emulator_status=0
wait "$emulator_pid" || emulator_status=$?
emulator_pid=""
[ "$emulator_status" -eq 0 ] || fail "gih emulator exited with $emulator_status on SIGTERM: $(cat "$log")"
grep -q 'Emulator stopped.' "$log" || fail "gih emulator did not report a clean stop: $(cat "$log")"

echo "cli-smoke: passed in $((SECONDS - started)) s"
