using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ExecutorGen.Generators.Tests;

public class RobustnessTests
{
    private const string Usings = "using System.Threading; using System.Threading.Tasks; using ExecutorGen;\n";

    [Theory]
    [InlineData("public class H { [RequestHandler] public Task Login(MissingType request) => Task.CompletedTask; }")]
    [InlineData("public class H { [RequestHandler] public Missing<int> Login(string id) => null; }")]
    [InlineData("public class H { [RequestHandler(PartitionBy = )] public void Login(string id) { } }")]
    [InlineData("public class H { [RequestHandler(PartitionBy = nameof(nope))] public void Login(string id) { } }")]
    [InlineData("public class H { [RequestHandler(PartitionBy = \"nope\")] public void Login(string id) { } }")]
    [InlineData("public class H { [RequestHandler(PartitionBy = 42)] public void Login(string id) { } }")]
    [InlineData("public class H { [RequestHandler] public Task Login(string userId")]
    [InlineData("public class H { [RequestHandler] public Task (string userId) { } }")]
    [InlineData("public class H { [RequestHandler] public Login(string userId) { } }")]
    [InlineData("public class H { [RequestHandler] public Task Login(string , ) => Task.CompletedTask; }")]
    [InlineData("public class { [RequestHandler] public void Login(string id) { } }")]
    [InlineData("public class H { [RequestHandler] public void Login(string id) { void Local() { [RequestHandler] void Inner() { } } } }")]
    [InlineData("[RequestHandler] public void Login(string id) { }")]
    [InlineData("public class H { [RequestHandler] public void Login(string id) { } [RequestHandler] public void Login(string id) { } }")]
    [InlineData("public class H : Missing { [RequestHandler(PartitionBy = \"Id\")] public void Login(Missing request) { } }")]
    public void Broken_code_never_breaks_the_generator(string code)
    {
        var (output, result, driverDiagnostics) = GeneratorHarness.Run(Usings + code);

        Assert.Null(result.Exception);
        Assert.DoesNotContain(driverDiagnostics, d => d.Id is "CS8784" or "CS8785");
        // Whatever is generated from broken code adds no errors of its own.
        var generatedTrees = output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal)).ToHashSet();
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree));
    }

    [Theory]
    [InlineData("public class H { [RequestHandler] public void Get<T>(T value) { } }")]
    [InlineData("public class H { [RequestHandler] public void Get(ref int value) { } }")]
    [InlineData("public class H { [RequestHandler] public void Get(in int value) { } }")]
    [InlineData("public class H { [RequestHandler] public void Get(out int value) { value = 0; } }")]
    [InlineData("public unsafe class H { [RequestHandler] public void Get(int* value) { } }")]
    [InlineData("public class H { [RequestHandler] public void Get(System.Span<int> value) { } }")]
    [InlineData("public class H { int _x; [RequestHandler] public ref int Get() => ref _x; }")]
    [InlineData("public class H { [RequestHandler] private void Get(int value) { } }")]
    [InlineData("public class H<T> { [RequestHandler] public void Get(int value) { } }")]
    [InlineData("public class Outer { public class H { [RequestHandler] public void Get(int value) { } } }")]
    [InlineData("public class H { [RequestHandler(PartitionBy = \"a\")] public void A(string a) { } [RequestHandler(PartitionBy = \"b\")] public void B(int b) { } }")]
    [InlineData("public class R { private protected string Id = \"\"; } public class H { [RequestHandler(PartitionBy = \"Id\")] public void Get(R r) { } }")]
    [InlineData("public class H { [RequestHandler] public void Get(int value) { } [RequestHandler] public void GetAsync(int other) { } }")]
    [InlineData("public class H { [RequestHandler] public void Get(int value) { } [RequestHandler] public void Get(int value, CancellationToken token) { } }")]
    public void Unsupported_classes_are_skipped(string code)
    {
        var (_, result, driverDiagnostics) = GeneratorHarness.Run(Usings + code);

        Assert.Null(result.Exception);
        Assert.Equal(DiagnosticSeverity.Error, Assert.Single(driverDiagnostics).Severity); // why it was skipped
        Assert.Empty(result.GeneratedSources);
    }
}
