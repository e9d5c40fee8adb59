namespace ExecutorGen.Generators.Model;

/// <summary>One <c>[RequestHandler]</c> method.</summary>
/// <param name="Name">The method name, without <c>@</c>.</param>
/// <param name="Accessibility">The accessibility of the executor members generated for it: <c>public</c> or <c>internal</c>.</param>
/// <param name="IsStatic">Called through the class name rather than the handler instance.</param>
/// <param name="ReturnKind">The shape of the return type.</param>
/// <param name="ResultType">The fully qualified <c>T</c> for handlers returning a value; otherwise <see langword="null"/>.</param>
/// <param name="Parameters">The request parameters.</param>
/// <param name="TakesCancellationToken">The handler takes a trailing cancellation token.</param>
/// <param name="Key">Where the partition key comes from; <see langword="null"/> for an unordered handler.</param>
internal sealed record HandlerModel(
    string Name,
    string Accessibility,
    bool IsStatic,
    ReturnKind ReturnKind,
    string? ResultType,
    EquatableArray<ParameterModel> Parameters,
    bool TakesCancellationToken,
    KeyModel? Key)
{
    public bool ReturnsValue => ResultType is not null;

    /// <summary>The name without a trailing <c>Async</c>, for generated names such as <c>Submit{BaseName}Async</c>.</summary>
    public string BaseName =>
        Name.Length > "Async".Length && Name.EndsWith("Async", System.StringComparison.Ordinal) ? Name.Substring(0, Name.Length - "Async".Length) : Name;
}
