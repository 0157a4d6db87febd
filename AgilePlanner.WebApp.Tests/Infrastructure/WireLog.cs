using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// What crossed a back channel, as it crossed it: every request (method, URI, Host, Authorization, body) and its answer.
/// Add <see cref="Tap"/> to an app's named HTTP clients; innermost, it sees what the wire sees.
/// </summary>
public sealed class WireLog
{
    private readonly ConcurrentQueue<WireExchange> _exchanges = new();

    public IReadOnlyCollection<WireExchange> Exchanges => _exchanges;

    /// <summary>A handler that records into this log; with <paramref name="inner"/>, a primary handler's stand-in.</summary>
    public DelegatingHandler Tap(HttpMessageHandler? inner = null) => inner is null ? new WireTap(this) : new WireTap(this) { InnerHandler = inner };

    /// <summary>Every value of the form fields and JSON properties named, and every bearer token, that crossed the wire: its secrets.</summary>
    public IReadOnlyList<string> Values(params string[] names) =>
        _exchanges.SelectMany(e => new[] { e.RequestBody, e.ResponseBody }.SelectMany(text => names.SelectMany(name => Extract(text, name))))
            .Concat(_exchanges.Select(e => e.Authorization?.StartsWith("Bearer ", StringComparison.Ordinal) == true ? e.Authorization["Bearer ".Length..] : null).OfType<string>())
            .Where(value => value.Length > 0)
            .Distinct()
            .ToList();

    internal void Add(WireExchange exchange) => _exchanges.Enqueue(exchange);

    // Form fields (name=value) and JSON properties ("name":"value").
    private static IEnumerable<string> Extract(string text, string name)
    {
        if (!text.TrimStart().StartsWith('{'))
        {
            foreach (var pair in QueryHelpers.ParseQuery(text).Where(p => p.Key == name))
            {
                yield return pair.Value.ToString();
            }
        }
        foreach (Match match in Regex.Matches(text, $"\"{Regex.Escape(name)}\"\\s*:\\s*\"([^\"]+)\""))
        {
            yield return match.Groups[1].Value;
        }
    }

    private sealed class WireTap(WireLog log) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var requestBody = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
            var response = await base.SendAsync(request, cancellationToken);
            // Buffered into a copy, so the app reads the answer as it came and the log keeps it whole.
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var copy = new StringContent(body, Encoding.UTF8);
            copy.Headers.Clear();
            foreach (var header in response.Content.Headers)
            {
                copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            response.Content = copy;
            log.Add(new WireExchange(
                request.Method.Method, request.RequestUri!, request.Headers.Host, request.Headers.Authorization?.ToString(), requestBody, (int)response.StatusCode, body));
            return response;
        }
    }
}
