using GptImageHub.Emulator;
using GptImageHub.Sdk.Tests.Infrastructure;

namespace GptImageHub.Sdk.Tests.Documentation;

/// <summary>
/// Every C# block of every README is compiled as a new app's Program.cs and run against a fresh
/// emulator, with GPTIMAGEHUB_API_KEY and GPTIMAGEHUB_BASE_URL pointing at it (what
/// <c>gih emulator</c> prints), from an empty working folder. A block that does not compile, warns,
/// or throws fails its test. These tests change the process's environment and current folder, so
/// they run alone.
/// </summary>
[Collection(ProcessEnvironmentTests.Name)]
public sealed class ReadmeCodeTests
{
    private static readonly TimeSpan BlockTimeout = TimeSpan.FromSeconds(90);

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (var block in ReadmeCodeBlocks.All())
        {
            data.Add(block.File, block.Line);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task The_csharp_block_compiles_and_runs_against_the_emulator(string file, int line)
    {
        var block = ReadmeCodeBlocks.Parse(Path.Combine(ReadmeCodeBlocks.RepositoryRoot, file)).Single(b => b.Line == line);
        var (image, diagnostics) = ReadmeCodeBlocks.Compile(block);
        Assert.True(diagnostics.Count == 0, $"{block} does not compile cleanly:\n{string.Join('\n', diagnostics)}");

        await using var hub = await GptImageHubEmulator.StartAsync(new EmulatorOptions(), TestContext.Current.CancellationToken);
        var workingDirectory = Directory.CreateTempSubdirectory("gih-readme-");
        var previousDirectory = Environment.CurrentDirectory;
        using var environment = EnvironmentScope.Sdk(hub.CreateApiKey(credits: 1000), hub.BaseAddress.ToString());
        try
        {
            Environment.CurrentDirectory = workingDirectory.FullName;
            await ReadmeCodeBlocks.RunAsync(image!, BlockTimeout);
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            workingDirectory.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_root_README_and_every_package_README_are_searched_for_csharp_blocks()
    {
        var files = ReadmeCodeBlocks.ReadmeFiles().Select(f => Path.GetRelativePath(ReadmeCodeBlocks.RepositoryRoot, f).Replace('\\', '/')).ToList();

        Assert.Contains("README.md", files);
        foreach (var package in Directory.GetDirectories(Path.Combine(ReadmeCodeBlocks.RepositoryRoot, "src")))
        {
            Assert.Contains($"src/{Path.GetFileName(package)}/README.md", files);
        }

        var withCode = ReadmeCodeBlocks.All().Select(b => b.File).Distinct().ToList();
        Assert.Contains("README.md", withCode);
        Assert.Contains("src/GptImageHub.Sdk/README.md", withCode);
        Assert.Contains("src/GptImageHub.Sdk.Extensions.AI/README.md", withCode);
    }

    [Fact]
    public void A_block_that_does_not_compile_is_reported_with_its_README_line()
    {
        var block = new ReadmeCodeBlock("README.md", 10, "using GptImageHub.Sdk;\n\nvar client = new GptImageHubClient();\nclient.NoSuchMethod();");

        var (image, diagnostics) = ReadmeCodeBlocks.Compile(block);

        Assert.Null(image);
        Assert.Contains(diagnostics, d => d.StartsWith("README.md:14: CS1061", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_block_that_throws_fails()
    {
        var (image, diagnostics) = ReadmeCodeBlocks.Compile(new ReadmeCodeBlock("README.md", 1, "await Task.Yield();\nthrow new InvalidOperationException(\"boom\");"));
        Assert.Empty(diagnostics);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadmeCodeBlocks.RunAsync(image!, TimeSpan.FromSeconds(10)));

        Assert.Equal("boom", ex.Message);
    }

    [Theory]
    [InlineData("csharp", true)]
    [InlineData("cs", true)]
    [InlineData("C#", true)]
    [InlineData("bash", false)]
    [InlineData("json", false)]
    public void Fences_tagged_as_csharp_are_all_compiled(string info, bool compiled) =>
        Assert.Equal(compiled, ReadmeCodeBlocks.IsCSharp(info));
}
