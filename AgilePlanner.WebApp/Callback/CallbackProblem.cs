namespace AgilePlanner.WebApp.Callback;

/// <summary>What a failed callback page says: what happened, and what the user can do about it.</summary>
public sealed record CallbackProblem(string Code, string Title, string WhatHappened, string WhatToDo, bool FromProvider = false, bool OfferConnect = true);
