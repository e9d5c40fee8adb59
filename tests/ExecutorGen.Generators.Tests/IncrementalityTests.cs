using System.Collections.Generic;
using System.Linq;
using ExecutorGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ExecutorGen.Generators.Tests;

public class IncrementalityTests
{
    private static readonly string[] s_steps = { TrackingNames.Handlers, TrackingNames.CollectedHandlers, TrackingNames.Executors };

    [Fact]
    public void An_unrelated_new_file_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { Sources.SessionHandlers });
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ParseOptions()).RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Other { public class Unrelated { public int Value; } }", GeneratorHarness.ParseOptions(), path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Editing_a_handler_body_regenerates_nothing()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { Sources.SessionHandlers });
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ParseOptions()).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Sources.SessionHandlers.Replace("public void Audit(string message) { }", "public void Audit(string message) { _ = message.Length; }"))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertAllOutputs(result, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Changing_a_handler_signature_regenerates_the_executor()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { Sources.SessionHandlers });
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ParseOptions()).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Sources.SessionHandlers.Replace("public void Audit(string message)", "public void Audit(string message, int level)"))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.Executors].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void The_model_holds_no_compiler_objects()
    {
        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Compilation), typeof(Location), typeof(SemanticModel) };
        var modelTypes = typeof(ExecutorGenerator).Assembly.GetTypes().Where(t => t.Namespace == "ExecutorGen.Generators.Model");

        var offending = modelTypes
            .SelectMany(t => t.GetProperties().Select(p => (Owner: t, p.PropertyType)))
            .Where(p => forbidden.Any(f => f.IsAssignableFrom(p.PropertyType)))
            .ToList();
        Assert.Empty(offending);
    }

    private static void AssertAllOutputs(GeneratorRunResult result, params IncrementalStepRunReason[] allowed)
    {
        foreach (string step in s_steps)
        {
            Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"Step {step} was not tracked.");
            var reasons = runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.Contains(reason, (IEnumerable<IncrementalStepRunReason>)allowed));
        }
    }
}
