using AngleSharp;
using AngleSharp.Html.Dom;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>Parses pages and submits their real forms, so antiforgery tokens and cookies travel as in a browser.</summary>
public static class Html
{
    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response)
    {
        var content = await response.Content.ReadAsStringAsync();
        var context = BrowsingContext.New();
        var document = await context.OpenAsync(request =>
        {
            request.Content(content);
            request.Address(response.RequestMessage!.RequestUri!);
            foreach (var header in response.Content.Headers)
            {
                request.Header(header.Key, string.Join(", ", header.Value));
            }
        });
        return (IHtmlDocument)document;
    }

    /// <summary>Fills the named fields and submits the form the way its submit button would.</summary>
    public static Task<HttpResponseMessage> SubmitAsync(
        this HttpClient client,
        IHtmlFormElement form,
        IReadOnlyDictionary<string, string>? fields = null,
        IHtmlElement? submitButton = null)
    {
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            var element = form.Elements[name] ?? throw new InvalidOperationException($"The form has no field named '{name}'.");
            switch (element)
            {
                case IHtmlInputElement input:
                    input.Value = value;
                    break;
                case IHtmlTextAreaElement area:
                    area.Value = value;
                    break;
                case IHtmlSelectElement select:
                    select.Value = value;
                    break;
                default:
                    throw new InvalidOperationException($"Field '{name}' cannot be filled.");
            }
        }

        var submission = (submitButton is null ? form.GetSubmission() : form.GetSubmission(submitButton))
            ?? throw new InvalidOperationException("The form cannot be submitted.");
        var target = new Uri(submission.Target.Href);
        var request = new HttpRequestMessage(new System.Net.Http.HttpMethod(submission.Method.ToString().ToUpperInvariant()), target);
        if (submission.Body != Stream.Null)
        {
            request.Content = new StreamContent(submission.Body);
            foreach (var header in submission.Headers)
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }
        return client.SendAsync(request);
    }

    /// <summary>The submit button whose visible text is <paramref name="text"/> (Allow, Deny, Sign in...).</summary>
    public static IHtmlElement ButtonNamed(this IHtmlFormElement form, string text) =>
        form.QuerySelectorAll("button, input[type=submit]")
            .OfType<IHtmlElement>()
            .FirstOrDefault(b => string.Equals(b.TextContent.Trim(), text, StringComparison.OrdinalIgnoreCase)
                || string.Equals(b.GetAttribute("value"), text, StringComparison.OrdinalIgnoreCase))
            ?? throw new InvalidOperationException($"No button '{text}' in the form.");
}
