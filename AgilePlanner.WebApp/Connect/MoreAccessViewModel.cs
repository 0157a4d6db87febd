namespace AgilePlanner.WebApp.Connect;

public sealed record MoreAccessViewModel(IReadOnlyList<string> Scopes, string ConnectUrl);
