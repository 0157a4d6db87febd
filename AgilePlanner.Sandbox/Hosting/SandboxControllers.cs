using System.Reflection;
using Microsoft.AspNetCore.Mvc.Controllers;

namespace AgilePlanner.Sandbox.Hosting;

/// <summary>
/// MVC finds public controllers only; the sandbox's are internal, so that a package consumer's API is the two extension
/// methods and the options, not twenty controllers. This provider lets MVC find them, and only them, in this assembly.
/// </summary>
internal sealed class SandboxControllers : ControllerFeatureProvider
{
    // The framework's own provider still finds every public controller; this one adds the sandbox's internal ones.
    protected override bool IsController(TypeInfo typeInfo) =>
        typeInfo.Assembly == typeof(SandboxControllers).Assembly
        && typeInfo is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false }
        && typeInfo.Name.EndsWith("Controller", StringComparison.Ordinal)
        && typeof(Microsoft.AspNetCore.Mvc.ControllerBase).IsAssignableFrom(typeInfo);
}
