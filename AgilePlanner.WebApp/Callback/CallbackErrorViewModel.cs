namespace AgilePlanner.WebApp.Callback;

public sealed record CallbackErrorViewModel(string? Error, string? Description, string? Uri, string? Arrived, string ConnectUrl, CallbackProblem? Problem);
