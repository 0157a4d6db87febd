using AgilePlanner.WebApp.Flow;

namespace AgilePlanner.WebApp.Tests.Flow;

public sealed class MaskingTests
{
    private const string Token = "CfDJ8N3mQpz7X1eVv2kLwTq9aBcDeFgHiJkLmNoP";

    [Fact]
    public void Long_values_show_their_first_and_last_four_characters_only()
    {
        Assert.Equal("CfDJ…mNoP", Masking.Mask(Token));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("short-secret")]
    [InlineData("nineteen-characters")]
    public void Short_values_are_hidden_entirely(string value)
    {
        var masked = Masking.Mask(value);

        Assert.Equal(Masking.Hidden, masked);
        Assert.DoesNotContain(value[..1], masked);
    }

    [Fact]
    public void No_value_masks_to_nothing()
    {
        Assert.Equal(string.Empty, Masking.Mask(null));
        Assert.Equal(string.Empty, Masking.Mask(string.Empty));
    }

    [Fact]
    public void A_bearer_header_keeps_its_scheme_and_masks_the_token()
    {
        Assert.Equal("Bearer CfDJ…mNoP", Masking.MaskHeader("Authorization", $"Bearer {Token}"));
    }

    [Fact]
    public void Basic_credentials_are_hidden_entirely()
    {
        var basic = Convert.ToBase64String("agile-planner-connect:sandbox-secret-not-for-production"u8);

        var masked = Masking.MaskHeader("authorization", $"Basic {basic}");

        Assert.Equal($"Basic {Masking.Hidden}", masked);
    }

    [Fact]
    public void A_set_cookie_header_keeps_its_name_and_attributes_but_not_its_value()
    {
        var masked = Masking.MaskHeader("Set-Cookie", $".AspNetCore.Session={Token}; path=/; httponly; samesite=lax");

        Assert.Equal($".AspNetCore.Session={Masking.Hidden}; path=/; httponly; samesite=lax", masked);
    }

    [Fact]
    public void Ordinary_headers_are_shown_as_they_are()
    {
        Assert.Equal("application/json", Masking.MaskHeader("Content-Type", "application/json"));
    }

    [Fact]
    public void Secret_query_parameters_are_masked_and_others_kept()
    {
        var url = $"http://localhost/callback?code={Token}&state=xyz&iss=http%3A%2F%2Flocalhost%2Fsandbox%2F";

        var masked = Masking.MaskUrl(url);

        Assert.Equal("http://localhost/callback?code=CfDJ…mNoP&state=xyz&iss=http%3A%2F%2Flocalhost%2Fsandbox%2F", masked);
    }

    [Fact]
    public void State_is_a_secret_in_a_redirect_but_not_in_an_api_query()
    {
        var state = new string('s', 40);

        Assert.DoesNotContain(state, Masking.MaskUrl($"http://localhost/callback?state={state}", Masking.RedirectSecretNames));
        Assert.Equal("/projects/1/stories?state=started", Masking.MaskUrl("/projects/1/stories?state=started"));
    }

    [Fact]
    public void A_token_request_form_masks_the_secret_the_code_and_the_verifier()
    {
        const string code = "code-value-that-is-long-enough-0123456789";
        const string verifier = "verifier-value-that-is-long-enough-0123456789";
        var form = $"grant_type=authorization_code&code={code}&client_id=agile-planner-connect&client_secret=sandbox-secret-not-for-production&code_verifier={verifier}";

        var masked = Masking.MaskFormEncoded(form);
        var pairs = Masking.MaskedPairs(form).ToDictionary();

        Assert.DoesNotContain(code, masked);
        Assert.DoesNotContain(verifier, masked);
        Assert.DoesNotContain("sandbox-secret-not-for-production", masked);
        Assert.Equal("authorization_code", pairs["grant_type"]);
        Assert.Equal("agile-planner-connect", pairs["client_id"]);
        Assert.Equal("sand…tion", pairs["client_secret"]);
        Assert.Equal("code…6789", pairs["code"]);
    }

    [Fact]
    public void Token_json_is_indented_with_every_token_masked_however_nested()
    {
        var json = $$"""{"access_token":"{{Token}}","token_type":"Bearer","expires_in":3600,"nested":{"refresh_token":"{{Token}}x"},"list":[{"id_token":"{{Token}}y"}]}""";

        var masked = Masking.MaskJson(json)!;

        Assert.DoesNotContain(Token, masked);
        Assert.Contains("\"access_token\": \"CfDJ…mNoP\"", masked);
        Assert.Contains("\"refresh_token\": \"CfDJ…NoPx\"", masked);
        Assert.Contains("\"id_token\": \"CfDJ…NoPy\"", masked);
        Assert.Contains("\"expires_in\": 3600", masked);
        Assert.Contains('\n', masked);
    }

    [Fact]
    public void Text_that_is_not_json_is_not_parsed_as_json()
    {
        Assert.Null(Masking.MaskJson("<html>oops</html>"));
    }

    [Fact]
    public void Known_secrets_are_scrubbed_from_free_text_plain_and_percent_encoded()
    {
        const string secret = "sandbox-secret-not-for-production";
        var text = $"failed with {secret} and {Uri.EscapeDataString("a/b+c=" + secret)}";

        var scrubbed = Masking.Scrub(text, [secret, "a/b+c=" + secret]);

        Assert.DoesNotContain(secret, scrubbed);
    }
}
