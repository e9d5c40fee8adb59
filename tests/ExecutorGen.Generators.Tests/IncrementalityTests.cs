using System;
using System.Collections.Generic;
using System.Linq;
using ExecutorGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ExecutorGen.Generators.Tests;

public class IncrementalityTests
{
    private static readonly string[] s_steps = { TrackingNames.Handlers, TrackingNames.CollectedHandlers, TrackingNames.Executors, TrackingNames.SkippedClasses };

    [Fact]
    public void An_unrelated_new_file_leaves_every_step_cached()
    {
        var result = GeneratorHarness.RunAfterUnrelatedEdit(GeneratorHarness.CreateCompilation(new[] { Sources.SessionHandlers }));

        GeneratorHarness.AssertCached(result, s_steps);
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

        GeneratorHarness.AssertCached(result, s_steps);
    }

    [Fact]
    public void A_whitespace_and_comment_edit_regenerates_nothing()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { Sources.SessionHandlers });
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ParseOptions()).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Single();
        string edited = "\n\n// a comment\n" + Sources.SessionHandlers
            .Replace("[RequestHandler(PartitionBy = \"userId\")]", "[RequestHandler(PartitionBy   =   \"userId\")]   ")
            .Replace("\n", "\n\n");
        var result = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(edited))))
            .GetRunResult().Results.Single();

        GeneratorHarness.AssertCached(result, s_steps);
    }

    [Fact]
    public void An_edit_in_another_handler_class_leaves_this_executor_cached()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { Sources.SessionHandlers, Sources.AllShapes });
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ParseOptions()).RunGenerators(compilation);

        var tree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(
            Sources.AllShapes.Replace("public long Get(long id) => id;", "public long Get(long id, int extra) => id;"))));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var outputs = result.TrackedSteps[TrackingNames.Executors].SelectMany(s => s.Outputs).ToList();
        Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(6, outputs.Count(o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
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

    [Fact]
    public void The_models_produced_hold_no_compiler_objects_anywhere_in_their_object_graph()
    {
        var (_, result, _) = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[] { Sources.SessionHandlers, Sources.Shapes, Sources.AllShapes }));
        var roots = new[] { TrackingNames.Handlers, TrackingNames.CollectedHandlers, TrackingNames.Executors }
            .SelectMany(step => result.TrackedSteps[step])
            .SelectMany(run => run.Outputs)
            .Select(output => output.Value)
            .ToList();
        Assert.NotEmpty(roots);

        var forbidden = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(Location), typeof(SemanticModel), typeof(AttributeData), typeof(SyntaxToken) };
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(object Value, string Path)>(roots.Select(r => (r, r.GetType().Name)));
        int walked = 0;
        while (stack.Count > 0)
        {
            var (value, path) = stack.Pop();
            var type = value.GetType();
            Assert.False(forbidden.Any(f => f.IsAssignableFrom(type)), $"{path} is a {type}");
            if (type.IsPrimitive || type.IsEnum || value is string || (!type.IsValueType && !visited.Add(value)))
                continue;
            walked++;
            if (value is System.Collections.IEnumerable sequence)
            {
                int i = 0;
                foreach (object? item in sequence)
                {
                    if (item is not null)
                        stack.Push((item, $"{path}[{i}]"));
                    i++;
                }
                continue;
            }
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (var field in t.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.DeclaredOnly))
                {
                    Assert.False(forbidden.Any(f => f.IsAssignableFrom(field.FieldType)), $"{path}.{field.Name} is declared as {field.FieldType}");
                    if (field.GetValue(value) is { } child)
                        stack.Push((child, $"{path}.{field.Name}"));
                }
            }
        }
        Assert.True(walked > 100, $"walked only {walked} objects");
    }
}
