using System.ComponentModel.DataAnnotations;

namespace AgilePlanner.Sandbox.Accounts;

internal sealed class SignUpForm
{
    [Required(ErrorMessage = "Enter your name.")]
    [StringLength(100, ErrorMessage = "Keep your name under 100 characters.")]
    public string? Name { get; set; }

    [Required(ErrorMessage = "Enter your email address.")]
    [EmailAddress(ErrorMessage = "Enter an email address like name@example.com.")]
    [StringLength(200, ErrorMessage = "Keep your email address under 200 characters.")]
    public string? Email { get; set; }

    [Required(ErrorMessage = "Enter your company's name.")]
    [StringLength(100, ErrorMessage = "Keep the company name under 100 characters.")]
    public string? Company { get; set; }

    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(100, MinimumLength = 8, ErrorMessage = "Choose a password of at least 8 characters.")]
    [DataType(DataType.Password)]
    public string? Password { get; set; }

    public string? ReturnUrl { get; set; }
}
