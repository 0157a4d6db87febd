using System.ComponentModel.DataAnnotations;

namespace AgilePlanner.Sandbox.Developers;

internal sealed class RegisterAppForm
{
    [Required(ErrorMessage = "Give your application a name; users see it on the consent page.")]
    [StringLength(100, ErrorMessage = "Keep the name under 100 characters.")]
    public string? Name { get; set; }

    [Display(Name = "Callback URLs")]
    public string? CallbackUrls { get; set; }

    [StringLength(500, ErrorMessage = "Keep the description under 500 characters.")]
    public string? Description { get; set; }

    public bool ScopeRead { get; set; } = true;

    // Both ticked: an application registered without write fails at "Allow writing" with invalid_scope.
    public bool ScopeWrite { get; set; } = true;

    /// <summary>Public keys for <c>private_key_jwt</c>: a JWK Set, one JWK or PEM public keys (see <see cref="PublicKeySet"/>).</summary>
    [Display(Name = "Public keys")]
    public string? PublicKeys { get; set; }

    /// <summary>Issue a client secret too; off for an application that authenticates with its key alone.</summary>
    public bool IssueSecret { get; set; } = true;
}
