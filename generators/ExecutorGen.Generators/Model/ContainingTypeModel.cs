namespace ExecutorGen.Generators.Model;

/// <summary>A type the handler class is nested in, re-declared <c>partial</c> around the executor.</summary>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>interface</c>, <c>record</c> or <c>record struct</c>.</param>
/// <param name="Name">The name with its type parameters, e.g. <c>Outer&lt;T&gt;</c>.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);
