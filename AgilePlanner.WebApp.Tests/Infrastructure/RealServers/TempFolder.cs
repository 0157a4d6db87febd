namespace AgilePlanner.WebApp.Tests.Infrastructure.RealServers;

/// <summary>A fresh folder under the system's temp directory, deleted with everything in it when disposed.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"agileplanner-{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The system cleans its temp directory.
        }
    }
}
