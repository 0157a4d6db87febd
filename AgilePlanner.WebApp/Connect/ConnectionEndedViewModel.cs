namespace AgilePlanner.WebApp.Connect;

public sealed record ConnectionEndedViewModel(string ConnectUrl);
