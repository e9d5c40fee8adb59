namespace ExecutorGen.Generators.Model;

/// <summary>The class declaring handlers, as far as its executor needs it.</summary>
/// <param name="FullyQualifiedName">The <c>global::</c> name; also the key handlers are grouped by.</param>
/// <param name="Namespace">The namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">The types it is nested in, outermost first.</param>
/// <param name="Name">The simple name, without <c>@</c>.</param>
/// <param name="Accessibility">Its declared accessibility in C# keywords, which the executor copies.</param>
/// <param name="IsStatic">A static class: the executor takes no handler instance.</param>
internal sealed record HandlerClassModel(
    string FullyQualifiedName,
    string? Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string Name,
    string Accessibility,
    bool IsStatic)
{
    /// <summary>The simple name as generated code writes it (<c>@</c>-escaped where it is a keyword).</summary>
    public string Identifier => Identifiers.Escape(Name);
}
