using System.ComponentModel.DataAnnotations;

namespace AgilePlanner.WebApp.Projects;

/// <summary>The "Add a story" form.</summary>
public sealed class NewStoryForm
{
    [Required(ErrorMessage = "Give the story a title.")]
    [StringLength(200, ErrorMessage = "Keep the title under 200 characters.")]
    public string? Title { get; set; }

    [Required(ErrorMessage = "Choose a type.")]
    [RegularExpression("^(feature|bug|chore)$", ErrorMessage = "Choose feature, bug or chore.")]
    public string? Type { get; set; } = "feature";

    [Required(ErrorMessage = "Give the story points (0 to 13).")]
    [Range(0, 13, ErrorMessage = "Points are between 0 and 13.")]
    public int? Points { get; set; } = 1;
}
