using Microsoft.CodeAnalysis.CSharp;

namespace ExecutorGen.Generators;

/// <summary>Turns names from the user's code into identifiers generated code can write.</summary>
internal static class Identifiers
{
    /// <summary>Prefixes <c>@</c> to a name that is a C# keyword.</summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>The name with its first letter in upper case (<c>userId</c> → <c>UserId</c>), for generated members.</summary>
    public static string Pascal(string name) =>
        name.Length == 0 || char.IsUpper(name[0]) ? name : char.ToUpperInvariant(name[0]) + name.Substring(1);

    /// <summary>The name with its first letter in lower case (<c>Customer</c> → <c>customer</c>), for generated locals.</summary>
    public static string Camel(string name) =>
        name.Length == 0 || char.IsLower(name[0]) ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);
}
