using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// <see cref="SourceOrder.Sorted"/> ranks each file once and sorts the items by one number each (rank and position): it
/// must order as <see cref="SourceOrder.Compare"/> does, file path first, then position, with trees that share a path
/// (sources added without one) as one file. Round 26 tried ranking by tree instead, which would have split them.
/// </summary>
public class SourceOrderTests
{
    [Fact]
    public void Sorts_by_path_then_position_and_treats_trees_of_one_path_as_one_file()
    {
        var b = Parse("class B { void B2() { } void B1() { } }", "/src/b.cs");
        var a = Parse("class A { void A1() { } void A2() { } }", "/src/a.cs");
        var firstUnnamed = Parse("class U { void U1() { } void U3() { } }", "");
        var secondUnnamed = Parse("class V {    void V2() { } }", "");
        var methods = new[] { b, a, secondUnnamed, firstUnnamed }.SelectMany(Methods).ToList();

        var sorted = SourceOrder.Sorted(methods, m => m.Identifier.GetLocation());

        Assert.Equal(methods.OrderBy(m => m.Identifier.GetLocation(), SourceOrder.Comparer).Select(m => m.Identifier.Text), sorted.Select(m => m.Identifier.Text));
        Assert.Equal(new[] { "U1", "V2", "U3", "A1", "A2", "B2", "B1" }, sorted.Select(m => m.Identifier.Text));
    }

    private static SyntaxTree Parse(string text, string path) => CSharpSyntaxTree.ParseText(text, path: path);

    private static System.Collections.Generic.IEnumerable<MethodDeclarationSyntax> Methods(SyntaxTree tree) =>
        tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>();
}
