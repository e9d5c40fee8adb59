using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// <see cref="StoredNames"/> finds a member's stores from its text (the <c>=</c> of each assignment operator and each
/// ref-kind keyword, looked up as tokens) instead of visiting every node: it must name exactly what a visit of the nodes
/// names, on text where characters and tokens disagree (comments, strings, comparisons, lambdas, keywords inside words).
/// </summary>
public class StoredNamesTests
{
    private const string Member = """
        class C
        {
            void M(int a, int b, ref int r, out int o, int @out, int input, int inner)
            {
                // a = 1 in a comment, and ref b in one
                /* b = 2; out a */
                var s = "c = 3, out d, ref e";
                var v = $"{(inner = 4)} and {a == b} and x => y";
                a += 1; b -= 1; r <<= 2; r >>= 1; r >>>= 1; o = 0; input ??= 5;
                (first, second) = (1, 2);
                ((nested, _), last) = ((1, 2), 3);
                bool same = a == b, less = a <= b, more = a >= b, other = a != b;
                System.Func<int, int> f = x => x + 1;
                int.TryParse(s, out parsed);
                int.TryParse(s, out var declared);
                Swap(ref left, in right);
                Use(@out, input, inner);
                foreach (var item in new[] { 1 }) { counted = item; }
                var made = new Holder { Value = 1 };
                this.field = 2;
                Local();
                void Local() { captured = 6; }
            #if NEVER
                disabled = 7;
            #endif
            }
        }
        """;

    [Fact]
    public void Names_every_store_the_nodes_show_and_nothing_the_text_only_looks_like()
    {
        var body = CSharpSyntaxTree.ParseText(Member).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();

        var names = StoredNames.In(body);

        Assert.Equal(FromNodes(body).OrderBy(n => n), names.OrderBy(n => n));
        Assert.Equal(
            new[] { "a", "b", "captured", "counted", "first", "inner", "input", "last", "left", "o", "parsed", "r", "right", "second", "Value" }
                .OrderBy(n => n, System.StringComparer.Ordinal),
            names.OrderBy(n => n, System.StringComparer.Ordinal));
    }

    [Fact]
    public void An_expression_bodied_member_and_a_member_without_stores()
    {
        var tree = CSharpSyntaxTree.ParseText("class C { int x = 0; void M() => x = 1; void N(int y) { Set(out y); } }");
        var members = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().ToList();

        Assert.Equal(new[] { "x" }, StoredNames.In(members[0]));
        Assert.Equal(new[] { "y" }, StoredNames.In(members[1]));
        Assert.Empty(StoredNames.In(tree.GetRoot().DescendantNodes().OfType<FieldDeclarationSyntax>().Single()));
    }

    // What the walk read before: every assignment's simple or tuple target, every argument passed by reference.
    private static string[] FromNodes(SyntaxNode body) => body.DescendantNodes().SelectMany(node => node switch
    {
        AssignmentExpressionSyntax { Left: IdentifierNameSyntax name } => new[] { name.Identifier.ValueText },
        AssignmentExpressionSyntax { Left: TupleExpressionSyntax tuple } =>
            tuple.Arguments.Select(a => a.Expression).OfType<IdentifierNameSyntax>().Select(n => n.Identifier.ValueText).ToArray(),
        ArgumentSyntax { RefKindKeyword.RawKind: not 0, Expression: IdentifierNameSyntax passed } => new[] { passed.Identifier.ValueText },
        _ => System.Array.Empty<string>(),
    }).Distinct().ToArray();
}
