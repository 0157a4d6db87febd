namespace AgilePlanner.WebApp.Tests.Infrastructure;

/// <summary>
/// One host with the built-in sandbox for a whole test class (<c>IClassFixture&lt;SharedApp&gt;</c>), for classes whose tests only
/// read and change nothing another test of the class looks at; started at the first request, disposed after the class.
/// </summary>
public sealed class SharedApp : AgilePlannerAppFactory;
