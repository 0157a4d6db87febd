using AgilePlanner.WebApp.Security;
using System.Buffers;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace AgilePlanner.WebApp.Hosting;

/// <summary>
/// Masks secrets in every property of every log event before any sink sees it: query-string values
/// (the callback's <c>code</c> and <c>state</c>), bearer and basic credentials, JWT-shaped strings,
/// and whole values of properties whose name says they hold a secret.
/// </summary>
public sealed partial class LogRedaction : ILogEventEnricher
{
    public const string Mask = "***";

    // Every pattern below needs one of these: '=' (query values, assignments), a credential scheme, or a JWT's "eyJ"...
    private static readonly SearchValues<string> MayHoldSecret =
        SearchValues.Create(["=", "bearer", "basic", "eyJ"], StringComparison.OrdinalIgnoreCase);

    // ...or ':' with a secret's name ("password: ...", "access_token": "..."). A ':' alone is in every host and port and
    // every time of day that is logged, and would send most lines through all four patterns for nothing.
    private static readonly SearchValues<string> SecretParameterNames =
        SearchValues.Create([.. SecretNames.Parameters], StringComparison.OrdinalIgnoreCase);

    // Property names repeat on every request (RequestPath, StatusCode...): each is matched once, up to a bound.
    private const int MaxCachedNames = 1024;
    private static readonly ConcurrentDictionary<string, bool> KnownNames = new(StringComparer.Ordinal);

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            var redacted = IsSecretName(name) ? MaskWhole(value) : Redact(value);
            if (!ReferenceEquals(redacted, value))
            {
                (changed ??= []).Add(new LogEventProperty(name, redacted));
            }
        }

        foreach (var property in changed ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary>The text with query values, credentials and token-shaped strings masked.</summary>
    public static string RedactText(string text)
    {
        var span = text.AsSpan();
        if (!span.ContainsAny(MayHoldSecret) && !(span.Contains(':') && span.ContainsAny(SecretParameterNames)))
        {
            return text;
        }

        var result = QueryValue().Replace(text, match => match.Groups["name"].Value + "=" + Mask);
        result = Credentials().Replace(result, match => match.Groups["scheme"].Value + " " + Mask);
        result = JsonWebToken().Replace(result, Mask);
        return SecretNames.Assignment.Replace(result, match => match.Groups["lead"].Value + Mask);
    }

    private static LogEventPropertyValue Redact(LogEventPropertyValue value) => value switch
    {
        ScalarValue { Value: string text } => RedactText(text) is var redacted && redacted != text ? new ScalarValue(redacted) : value,
        ScalarValue { Value: Uri uri } => RedactText(uri.OriginalString) is var redacted && redacted != uri.OriginalString ? new ScalarValue(redacted) : value,
        SequenceValue sequence => RedactSequence(sequence),
        StructureValue structure => RedactStructure(structure),
        DictionaryValue dictionary => RedactDictionary(dictionary),
        _ => value,
    };

    private static LogEventPropertyValue MaskWhole(LogEventPropertyValue value) =>
        value is ScalarValue { Value: null } ? value : new ScalarValue(Mask);

    private static SequenceValue RedactSequence(SequenceValue sequence)
    {
        var elements = sequence.Elements.Select(Redact).ToList();
        return elements.SequenceEqual(sequence.Elements, ReferenceEqualityComparer.Instance) ? sequence : new SequenceValue(elements);
    }

    private static StructureValue RedactStructure(StructureValue structure)
    {
        var properties = structure.Properties
            .Select(p => new LogEventProperty(p.Name, IsSecretName(p.Name) ? MaskWhole(p.Value) : Redact(p.Value)))
            .ToList();
        return properties.Select(p => p.Value).SequenceEqual(structure.Properties.Select(p => p.Value), ReferenceEqualityComparer.Instance)
            ? structure
            : new StructureValue(properties, structure.TypeTag);
    }

    private static DictionaryValue RedactDictionary(DictionaryValue dictionary)
    {
        var entries = dictionary.Elements
            .Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(
                e.Key, e.Key.Value is string key && IsSecretName(key) ? MaskWhole(e.Value) : Redact(e.Value)))
            .ToList();
        return entries.Select(e => e.Value).SequenceEqual(dictionary.Elements.Select(e => e.Value), ReferenceEqualityComparer.Instance)
            ? dictionary
            : new DictionaryValue(entries);
    }

    private static bool IsSecretName(string name)
    {
        if (KnownNames.TryGetValue(name, out var secret))
        {
            return secret;
        }

        secret = SecretNames.IsSecretPropertyName(name);
        if (KnownNames.Count < MaxCachedNames)
        {
            KnownNames.TryAdd(name, secret);
        }
        return secret;
    }


    // Every query-string value: the callback's code and state, error_description, tokens in misbuilt URLs.
    [GeneratedRegex(@"(?<=[?&])(?<name>[A-Za-z0-9_.\-\[\]%]+)=(?<value>[^&\s#""'<>]*)", RegexOptions.CultureInvariant)]
    private static partial Regex QueryValue();

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic))\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Credentials();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*", RegexOptions.CultureInvariant)]
    private static partial Regex JsonWebToken();

}
