using AgilePlanner.WebApp.ApiConsole;

namespace AgilePlanner.WebApp.Tests.ApiConsole;

public sealed class ApiPathValidatorTests
{
    private static readonly Uri ApiBase = new("http://localhost:5080/sandbox/api/v1/");

    [Theory]
    [InlineData("/me")]
    [InlineData("/projects")]
    [InlineData("/projects/3")]
    [InlineData("/projects/3/iterations")]
    [InlineData("/projects/3/stories?state=started")]
    [InlineData("/projects/3/stories?iteration=12&state=started&limit=5")]
    [InlineData("/projects?cursor=abc%3D%3D")]
    [InlineData("  /me  ")]
    public void Contract_paths_are_allowed_and_stay_under_the_api_base(string path)
    {
        var check = ApiPathValidator.Check(path);

        Assert.True(check.IsAllowed, check.Error);
        var target = ApiPathValidator.Resolve(ApiBase, check);
        Assert.NotNull(target);
        Assert.Equal("localhost", target.Host);
        Assert.Equal(5080, target.Port);
        Assert.StartsWith("/sandbox/api/v1/", target.AbsolutePath);
    }

    [Theory]
    [InlineData(null, "Type a path")]
    [InlineData("", "Type a path")]
    [InlineData("   ", "Type a path")]
    [InlineData("http://evil.test/me", "Absolute URLs are refused")]
    [InlineData("https://localhost:5080/sandbox/api/v1/me", "Absolute URLs are refused")]
    [InlineData("HTTP://EVIL.TEST", "Absolute URLs are refused")]
    [InlineData("file:///etc/passwd", "Absolute URLs are refused")]
    [InlineData("javascript:alert(1)", "Absolute URLs are refused")]
    [InlineData("//evil.test/me", "names another host")]
    [InlineData("/\\evil.test", "names another host")]
    [InlineData("\\\\evil.test\\me", "starts with /")]
    [InlineData("me", "starts with /")]
    [InlineData("evil.test/me", "starts with /")]
    [InlineData("/me\\..\\..\\admin", "Backslashes are refused")]
    [InlineData("/me%5c..%5cadmin", "'..' is refused")]
    [InlineData("/me%5cadmin", "Backslashes are refused")]
    [InlineData("/me%255Cadmin", "Backslashes are refused")]
    [InlineData("/../admin", "'..' is refused")]
    [InlineData("/projects/../../../admin", "'..' is refused")]
    [InlineData("/%2e%2e/admin", "'..' is refused")]
    [InlineData("/%2E%2E/admin", "'..' is refused")]
    [InlineData("/.%2e/admin", "'..' is refused")]
    [InlineData("/%2e./admin", "'..' is refused")]
    [InlineData("/%252e%252e/admin", "'..' is refused")]
    [InlineData("/%25252e%25252e/admin", "'..' is refused")]
    [InlineData("/%2525252e%2525252e/admin", "too many times")]
    [InlineData("/%2F%2Fevil.test", "Empty path segments")]
    [InlineData("/%252F%252Fevil.test", "Empty path segments")]
    [InlineData("/x/%2f/evil", "Empty path segments")]
    [InlineData("/%68ttp://evil.test", "Empty path segments")]
    [InlineData("/me%0d%0aX-Injected:%20yes", "control characters")]
    [InlineData("/me%250d%250aHost:evil.test", "control characters")]
    [InlineData("/me%00", "control characters")]
    [InlineData("/me\r\nHost: evil.test", "control characters")]
    [InlineData("/me\u0000", "control characters")]
    [InlineData("/m\te", "control characters")]
    [InlineData("/me here", "spaces or characters outside ASCII")]
    [InlineData("/ｍe", "outside ASCII")]
    [InlineData("/me%", "valid percent-encoded byte")]
    [InlineData("/me%zz", "valid percent-encoded byte")]
    [InlineData("/me#fragment", "Fragments")]
    [InlineData("/projects/{id}", "Replace {id}")]
    [InlineData("/projects/%7Bid%7D/stories", "Replace {id}")]
    public void Hostile_or_malformed_paths_are_refused_with_a_clear_message(string? path, string message)
    {
        var check = ApiPathValidator.Check(path);

        Assert.False(check.IsAllowed);
        Assert.Null(check.Path);
        Assert.Contains(message, check.Error);
        Assert.Null(ApiPathValidator.Resolve(ApiBase, check));
    }

    [Fact]
    public void Overlong_paths_are_refused()
    {
        var check = ApiPathValidator.Check("/me?x=" + new string('a', ApiPathValidator.MaxLength));

        Assert.Contains("longer than", check.Error);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("DELETE")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("HEAD")]
    [InlineData("get ")]
    public void Methods_other_than_get_are_refused(string method)
    {
        var check = ApiPathValidator.Check("/projects/3/stories", method);

        Assert.False(check.IsAllowed);
        Assert.Contains("Only GET requests", check.Error);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("get")]
    [InlineData(null)]
    public void Get_is_the_one_method_allowed(string? method)
    {
        Assert.True(ApiPathValidator.Check("/me", method).IsAllowed);
    }
}
