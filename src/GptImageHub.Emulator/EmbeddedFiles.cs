namespace GptImageHub.Emulator;

/// <summary>Files compiled into the assembly (the OpenAPI document, the dashboard), so the emulator works offline from any folder.</summary>
internal static class EmbeddedFiles
{
    /// <summary>The bytes of an embedded file by its logical name.</summary>
    /// <exception cref="FileNotFoundException">No such file was embedded (a build mistake).</exception>
    public static byte[] Read(string name)
    {
        using var stream = typeof(EmbeddedFiles).Assembly.GetManifestResourceStream(name)
            ?? throw new FileNotFoundException($"The emulator was built without its embedded file {name}.", name);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
