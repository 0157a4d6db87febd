namespace AgilePlanner.WebApp.Hosting;

/// <summary>Warns at start when the app runs in a container whose data directory is not a volume: sessions and sandbox data die with it.</summary>
public sealed partial class DataDirectoryWarning(string dataDirectory, ILogger<DataDirectoryWarning> logger) : IHostedService
{
    private const string MountInfo = "/proc/self/mountinfo";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var inContainer = string.Equals(Environment.GetEnvironmentVariable("DOTNET_RUNNING_IN_CONTAINER"), "true", StringComparison.OrdinalIgnoreCase);
        if (inContainer && File.Exists(MountInfo) && !DataDirectory.IsKeptOutsideContainer(dataDirectory, File.ReadAllText(MountInfo)))
        {
            LogNotAVolume(dataDirectory);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The data directory {DataDirectory} is not a named volume or a bind mount: the sandbox database and the Data Protection keys will be lost with this container, and signed-in sessions will not survive it. Run with -v agileplanner-data:/data to keep them.")]
    private partial void LogNotAVolume(string dataDirectory);
}
