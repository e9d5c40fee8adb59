namespace ExecutorGen.Generators.Model;

/// <summary>A request parameter of a handler (the trailing cancellation token is not one).</summary>
/// <param name="Name">The parameter name as written, without <c>@</c>.</param>
/// <param name="Type">The fully qualified type, with nullable annotations.</param>
/// <param name="SignatureType">The type as the CLR signature sees it (no nullable reference annotations), for overload clashes.</param>
internal sealed record ParameterModel(string Name, string Type, string SignatureType)
{
    /// <summary>The name as generated code writes it (<c>@</c>-escaped where it is a keyword).</summary>
    public string Identifier => Identifiers.Escape(Name);
}
