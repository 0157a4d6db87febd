using System.ComponentModel.DataAnnotations;

namespace AgilePlanner.Sandbox.Accounts;

internal sealed class SignInForm
{
    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter an email address like name@example.com.")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Enter your password.")]
    [DataType(DataType.Password)]
    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}
