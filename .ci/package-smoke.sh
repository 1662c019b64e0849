#!/usr/bin/env bash
# Consumes the packages the way a user does: packs GptImageHub.Sdk, GptImageHub.Sdk.Extensions.AI,
# GptImageHub.Sdk.Batch.PostgreSql and GptImageHub.Emulator into a throw-away folder feed, checks what each .nupkg holds, then creates a
# fresh console app outside the repository that references the SDK and the emulator by version
# from that feed, generates an image against the emulator and checks the PNG signature.
# Exits non-zero with a message on the first thing that is wrong.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
unset GPTIMAGEHUB_API_KEY GPTIMAGEHUB_BASE_URL || true

# A version no earlier run used: NuGet caches a package by id and version in the global packages
# folder, so re-packing 0.1.0 would silently restore yesterday's bits. The trap removes them again.
suffix="smoke.$(date +%s).$$"
version="$(dotnet msbuild src/GptImageHub.Sdk/GptImageHub.Sdk.csproj -getProperty:VersionPrefix)-$suffix"
packages_cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')

# Outside the repository tree, so none of its Directory.Build.props, Directory.Packages.props
# (central package management) or NuGet.config reaches the consumer.
work=$(mktemp -d "${TMPDIR:-/tmp}/gih-package-smoke.XXXXXX")
cleanup() {
  rm -rf "$work"
  for id in gptimagehub.sdk gptimagehub.sdk.extensions.ai gptimagehub.sdk.batch.postgresql gptimagehub.emulator; do
    rm -rf "${packages_cache%/}/$id/$version"
    rmdir "${packages_cache%/}/$id" 2>/dev/null || true
  done
}
trap cleanup EXIT
feed="$work/feed"
app="$work/consumer"
fail() { echo "package smoke: FAILED: $*" >&2; exit 1; }

echo "== pack $version into $feed"
dotnet pack GptImageHub.Sdk.sln -c Release -o "$feed" --version-suffix "$suffix" -nologo -warnaserror -v quiet

echo "== package contents"
for id in GptImageHub.Sdk GptImageHub.Sdk.Extensions.AI GptImageHub.Sdk.Batch.PostgreSql GptImageHub.Emulator; do
  nupkg="$feed/$id.$version.nupkg"
  [ -f "$nupkg" ] || fail "$id.$version.nupkg was not produced"
  [ -f "$feed/$id.$version.snupkg" ] || fail "$id has no symbols package (.snupkg)"
  files=$(unzip -Z1 "$nupkg")
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  grep -qx 'README.md' <<<"$files" || fail "$id has no README.md"
  for needle in '<readme>README.md</readme>' '<license type="expression">MIT</license>' \
      '<repository type="git" url="https://github.com/gptimagehub/GptImageHub.Sdk"' '<description>' '<tags>'; do
    grep -qF "$needle" <<<"$nuspec" || fail "$id.nuspec lacks $needle"
  done
  # Every assembly ships its XML documentation beside it.
  for dll in $(grep -E '^lib/.*\.dll$' <<<"$files"); do
    grep -qx "${dll%.dll}.xml" <<<"$files" || fail "$id: $dll has no XML documentation"
  done
  echo "$id: $(grep -cE '^lib/.*\.dll$' <<<"$files") assemblies ($(grep -E '^lib/.*\.dll$' <<<"$files" | cut -d/ -f2 | paste -sd, -)), README, XML docs, snupkg"
done

echo "== fresh console app"
# An empty Directory.Build.props / Directory.Packages.props stop MSBuild's upward search here,
# whatever lies above the temporary directory.
printf '<Project />\n' >"$work/Directory.Build.props"
printf '<Project />\n' >"$work/Directory.Build.targets"
printf '<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n</Project>\n' >"$work/Directory.Packages.props"
dotnet new console -o "$app" -n Consumer --framework net10.0 >/dev/null
# As the README's Install section says: a NuGet.config for the app (nuget.org, for the SDK's own
# dependencies) plus the folder feed, then `dotnet add package` by id. `--source FEED` alone would
# replace the sources and miss Polly.Core and Microsoft.Extensions.*.
(cd "$app" && dotnet new nugetconfig >/dev/null \
            && dotnet nuget add source "$feed" --name gih-packages --configfile nuget.config >/dev/null \
            && dotnet add package GptImageHub.Sdk --version "$version" >/dev/null \
            && dotnet add package GptImageHub.Emulator --version "$version" >/dev/null)

cat >"$app/Program.cs" <<'EOF'
using System.Reflection;
using GptImageHub.Emulator;
using GptImageHub.Sdk;

var expectedVersion = args[0];
var loaded = typeof(GptImageHubClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
if (!loaded.StartsWith(expectedVersion, StringComparison.Ordinal))
{
    throw new InvalidOperationException($"Loaded GptImageHub.Sdk {loaded}, expected the packed {expectedVersion}.");
}

await using var hub = await GptImageHubEmulator.StartAsync();
var options = new GptImageHubClientOptions { BaseAddress = hub.BaseAddress, ApiKey = hub.CreateApiKey(credits: 100) };
options.Polling.InitialInterval = TimeSpan.FromMilliseconds(100);
using var client = new GptImageHubClient(options);

var models = await client.GetModelsAsync();
if (!models.Any(m => m.Id == "gpt-image-2"))
{
    throw new InvalidOperationException("The emulator lists no gpt-image-2.");
}

var generation = await client.GenerateImageAsync(new ImageGenerationRequest("gpt-image-2", "a lighthouse, from the packed SDK") { Size = ImageSize.Square1024 });
using var png = new MemoryStream();
await client.DownloadImageAsync(generation.Images[0], png);
byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
if (png.Length < signature.Length || !png.GetBuffer().AsSpan(0, signature.Length).SequenceEqual(signature))
{
    throw new InvalidOperationException($"Image {generation.Images[0].Url} is not a PNG ({png.Length} bytes).");
}

var balance = await client.GetCreditsAsync();
Console.WriteLine($"GptImageHub.Sdk {loaded}: generation {generation.Id} {generation.Status}, {png.Length} byte PNG, {generation.Usage?.Credits} credits used, {balance.Credits} left");
EOF

echo "== run"
output=$(dotnet run --project "$app" -c Release -- "$version" 2>&1) || { echo "$output" >&2; fail "the consumer app failed"; }
echo "$output"
grep -q "succeeded, .* byte PNG" <<<"$output" || fail "the consumer app did not report a PNG"
echo "package smoke: OK ($version)"
