using System.Collections.Concurrent;
using System.Net;
using System.Text;
using AgilePlanner.Api;
using AgilePlanner.AspNetCore;
using AgilePlanner.Sandbox;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>The Host header a test browser sends instead of its URL's authority; null sends the URL's.</summary>
public sealed class HostHeader
{
    public string? Value { get; set; }
}
