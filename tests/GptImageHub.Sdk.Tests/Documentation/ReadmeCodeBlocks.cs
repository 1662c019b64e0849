using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GptImageHub.Sdk.Tests.Documentation;

/// <summary>One fenced C# block of a README: the file (relative to the repository), its first line and its text.</summary>
internal sealed record ReadmeCodeBlock(string File, int Line, string Code)
{
    public override string ToString() => $"{File}:{Line}";
}

/// <summary>
/// Finds every README of the repository (the root one, each package's under <c>src/</c>, each
/// sample's) and every <c>```csharp</c> (or <c>cs</c>, <c>c#</c>) block in it, and compiles a block
/// as the whole <c>Program.cs</c> of a new console app, or of a new web app when it calls
/// <c>WebApplication.CreateBuilder</c>: the implicit usings of that template and nothing else.
/// </summary>
internal static partial class ReadmeCodeBlocks
{
    private static readonly string[] ConsoleUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly string[] WebUsings =
    [
        .. ConsoleUsings, "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    // Assemblies of this test run that a user's app would not have: the tests, the samples (their
    // Program types would clash with the block's) and the CLI.
    private static readonly string[] NotReferenced = ["GptImageHub.Sdk.Tests", "GptImageHub.Sdk.Tests.BatchChild", "QuickStart", "Snippets", "WebApi", "GptImageHub.Cli"];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The READMEs whose blocks are compiled and run: new packages and samples are picked up by themselves.</summary>
    public static IEnumerable<string> ReadmeFiles()
    {
        yield return Path.Combine(RepositoryRoot, "README.md");
        foreach (var folder in new[] { "src", "samples" })
        {
            foreach (var readme in Directory.EnumerateFiles(Path.Combine(RepositoryRoot, folder), "README.md", SearchOption.AllDirectories)
                .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal))
            {
                yield return readme;
            }
        }
    }

    public static IEnumerable<ReadmeCodeBlock> All() => ReadmeFiles().SelectMany(Parse);

    public static IEnumerable<ReadmeCodeBlock> Parse(string path)
    {
        var relative = Path.GetRelativePath(RepositoryRoot, path).Replace('\\', '/');
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Fence().Match(lines[i]);
            if (!fence.Success)
            {
                continue;
            }

            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !lines[i].TrimStart().StartsWith(fence.Groups["ticks"].Value, StringComparison.Ordinal); i++)
            {
                body.Add(lines[i]);
            }

            if (IsCSharp(fence.Groups["info"].Value))
            {
                yield return new ReadmeCodeBlock(relative, start + 1, string.Join('\n', body));
            }
        }
    }

    public static bool IsCSharp(string info) =>
        info.Trim().ToLowerInvariant() is "csharp" or "cs" or "c#" or "csharp-script";

    /// <summary>Compiles the block as a program; the diagnostics are every warning and error, with the README's line numbers.</summary>
    public static (byte[]? Assembly, IReadOnlyList<string> Diagnostics) Compile(ReadmeCodeBlock block)
    {
        var isWeb = block.Code.Contains("WebApplication.CreateBuilder", StringComparison.Ordinal);
        var globalUsings = string.Concat((isWeb ? WebUsings : ConsoleUsings).Select(u => $"global using global::{u};\n"));
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new[]
        {
            CSharpSyntaxTree.ParseText(globalUsings, parse, path: "GlobalUsings.g.cs"),
            CSharpSyntaxTree.ParseText(block.Code, parse, path: block.File),
        };
        var compilation = CSharpCompilation.Create(
            "ReadmeBlock_" + Guid.NewGuid().ToString("N"),
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var diagnostics = result.Diagnostics
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree?.FilePath == block.File)
            .Concat(result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree?.FilePath != block.File))
            .Select(d => Describe(block, d))
            .ToList();
        return (result.Success ? image.ToArray() : null, diagnostics);
    }

    /// <summary>Runs a compiled block's entry point with no arguments, as <c>dotnet run</c> would.</summary>
    public static async Task RunAsync(byte[] assemblyImage, TimeSpan timeout)
    {
        var context = new AssemblyLoadContext("ReadmeBlock", isCollectible: true);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(assemblyImage));
            var entryPoint = assembly.EntryPoint ?? throw new InvalidOperationException("The block has no entry point.");
            var run = Task.Run(() =>
            {
                try
                {
                    return entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
                }
                catch (TargetInvocationException ex) when (ex.InnerException is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
                    throw;
                }
            });
            var result = await run.WaitAsync(timeout);
            if (result is Task task)
            {
                await task.WaitAsync(timeout);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private static string Describe(ReadmeCodeBlock block, Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var line = span.IsValid ? block.Line + 1 + span.StartLinePosition.Line : block.Line;
        return $"{block.File}:{line}: {diagnostic.Id}: {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return [.. trusted
            .Where(path => !NotReferenced.Contains(Path.GetFileNameWithoutExtension(path), StringComparer.OrdinalIgnoreCase))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))];
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "GptImageHub.Sdk.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No GptImageHub.Sdk.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"^\s*(?<ticks>```+)\s*(?<info>[^`\s]*)\s*$")]
    private static partial Regex Fence();
}
