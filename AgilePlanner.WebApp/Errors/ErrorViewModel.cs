namespace AgilePlanner.WebApp.Errors;

public sealed record ErrorViewModel(int Status, string Title, string Text)
{
    /// <summary>The page for a form refused by antiforgery (see <c>Shared/RefusedFormPage.cs</c>).</summary>
    public static ErrorViewModel FormRefused { get; } = new(
        400,
        "This form expired or was not sent from this site",
        "Nothing was changed. This app only accepts a form sent from its own page in this browser: go back, reload the page and try again.");
}
