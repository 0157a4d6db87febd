using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

public sealed record IssuedTokens(string AccessToken, string RefreshToken);
