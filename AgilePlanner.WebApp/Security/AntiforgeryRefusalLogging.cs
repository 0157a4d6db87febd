using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgilePlanner.WebApp.Security;

/// <summary>
/// An antiforgery cookie that cannot be read (altered, or sealed with keys this app no longer has) is the sender's, not a fault
/// of ours: the framework logs it as an Error with a stack and issues a new one; this logs it as the expected refusal it is,
/// at Information and without the stack, for the app's forms and the sandbox's alike.
/// </summary>
public static partial class AntiforgeryRefusalLogging
{
    // DefaultAntiforgery's "An exception was thrown while deserializing the token" (EventName TokenDeserializeException).
    private const int TokenDeserializeExceptionId = 7;

    /// <summary>Builds the registered antiforgery service with a logger factory that downgrades that one event.</summary>
    public static IServiceCollection AddAntiforgeryRefusalLogging(this IServiceCollection services)
    {
        var registered = services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(IAntiforgery))?.ImplementationType
            ?? throw new InvalidOperationException("AddAntiforgery must run before AddAntiforgeryRefusalLogging.");
        services.Replace(ServiceDescriptor.Singleton(provider => (IAntiforgery)ActivatorUtilities.CreateInstance(
            provider, registered, new RefusalLoggerFactory(provider.GetRequiredService<ILoggerFactory>()))));
        return services;
    }

    private sealed class RefusalLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        // The refusal is logged in the app's own category: the framework's is kept at Error in appsettings for its header warnings.
        public ILogger CreateLogger(string categoryName) =>
            new RefusalLogger(inner.CreateLogger(categoryName), inner.CreateLogger(typeof(AntiforgeryRefusalLogging).FullName!));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        // The app's logger factory is the container's; it is not this wrapper's to dispose.
        public void Dispose()
        {
        }
    }

    private sealed partial class RefusalLogger(ILogger inner, ILogger refusals) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel) || refusals.IsEnabled(LogLevel.Information);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == TokenDeserializeExceptionId && exception is not null)
            {
                LogUnreadableCookie(refusals, exception.GetType().Name);
            }
            else if (inner.IsEnabled(logLevel))
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }

        [LoggerMessage(1, LogLevel.Information, "Antiforgery cookie refused ({Reason}): altered or from another key ring; a new one is issued")]
        private static partial void LogUnreadableCookie(ILogger logger, string reason);
    }
}
