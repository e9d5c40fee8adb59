using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace ExecutorGen.Analyzers.Tests;

/// <summary>EXG103 unsupported handler methods, EXG104 inaccessible handlers, EXG105 non-partial containing types, EXG106 generic/non-class handler types, EXG107 executor name collisions.</summary>
public class HandlerShapeRulesTests
{
    // ---------------------------------------------------------------- EXG103

    [Fact]
    public async Task EXG103_names_the_handler_and_the_parameter_at_fault()
    {
        var test = new AnalyzerTest<UnsupportedHandlerAnalyzer>("""
            using ExecutorGen;

            public class Handlers
            {
                [RequestHandler]
                public void Get(int id, ref int {|#0:count|}) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.UnsupportedHandler).WithLocation(0)
            .WithMessage("Handler 'Get' cannot be run by an executor: parameter 'count' is passed by ref; requests are stored in a queue, so pass it by value"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("public void {|EXG103:Get|}<T>(T value) { }")]
    [InlineData("public void Get(in int {|EXG103:value|}) { }")]
    [InlineData("public void Get(out int {|EXG103:value|}) { value = 0; }")]
    [InlineData("public void Get(System.Span<int> {|EXG103:value|}) { }")]
    [InlineData("public void Get(System.ReadOnlySpan<char> {|EXG103:value|}, System.Threading.CancellationToken token) { }")]
    [InlineData("public void Get(int id, ref System.Threading.CancellationToken {|EXG103:token|}) { }")]
    [InlineData("public ref int {|EXG103:Get|}() => ref _x;")]
    [InlineData("public System.Span<int> {|EXG103:Get|}() => default;")]
    [InlineData("public System.Threading.Tasks.Task<System.Memory<int>> Get() => null!;")]
    public Task EXG103_unsupported_shapes_are_reported(string handler) => new AnalyzerTest<UnsupportedHandlerAnalyzer>($$"""
        using ExecutorGen;

        public class Handlers
        {
            private int _x;
            [RequestHandler]
            {{handler}}
        }
        """).RunAsync();

    [Fact]
    public Task EXG103_pointer_parameters_are_reported()
    {
        var test = new AnalyzerTest<UnsupportedHandlerAnalyzer>("""
            using ExecutorGen;

            public unsafe class Handlers
            {
                [RequestHandler]
                public void Get(int* {|EXG103:value|}) { }

                [RequestHandler]
                public void Call(delegate*<int, void> {|EXG103:callback|}) { }
            }
            """);
        test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectCompilationOptions(
            projectId, ((Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!).WithAllowUnsafe(true)));
        return test.RunAsync();
    }

    [Theory]
    [InlineData("public void Get(int a, string b, System.Threading.CancellationToken token) { }")]
    [InlineData("public static int Get(int[] values, (int, string) pair) => 0;")]
    [InlineData("public System.Threading.Tasks.ValueTask<string> Get() => default;")]
    [InlineData("public void Get(params int[] values) { }")]
    public Task EXG103_supported_shapes_are_not_reported(string handler) => new AnalyzerTest<UnsupportedHandlerAnalyzer>($$"""
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler]
            {{handler}}
        }
        """).RunAsync();

    // ---------------------------------------------------------------- EXG104

    [Fact]
    public async Task EXG104_a_private_handler_is_reported_by_name()
    {
        var test = new AnalyzerTest<InaccessibleHandlerAnalyzer>("""
            using ExecutorGen;

            public class Handlers
            {
                [RequestHandler]
                private void {|#0:Get|}(int id) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.InaccessibleHandler).WithLocation(0)
            .WithMessage("Handler 'Get' is private, so the executor beside its class cannot call it; make it internal or public"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("protected")]
    [InlineData("private protected")]
    public Task EXG104_protected_handlers_are_reported(string accessibility) => new AnalyzerTest<InaccessibleHandlerAnalyzer>($$"""
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler]
            {{accessibility}} void {|EXG104:Get|}(int id) { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG104_a_file_local_class_is_reported() => new AnalyzerTest<InaccessibleHandlerAnalyzer>("""
        using ExecutorGen;

        file class {|EXG104:Handlers|}
        {
            [RequestHandler]
            public void Get(int id) { }
        }
        """).RunAsync();

    [Theory]
    [InlineData("public")]
    [InlineData("internal")]
    [InlineData("protected internal")]
    public Task EXG104_reachable_handlers_are_not_reported(string accessibility) => new AnalyzerTest<InaccessibleHandlerAnalyzer>($$"""
        using ExecutorGen;

        public partial class Outer
        {
            private class Handlers
            {
                [RequestHandler]
                {{accessibility}} void Get(int id) { }
            }
        }
        """).RunAsync();

    // ---------------------------------------------------------------- EXG105

    [Fact]
    public async Task EXG105_names_the_class_and_the_containing_type()
    {
        var test = new AnalyzerTest<ContainingTypeNotPartialAnalyzer>("""
            using ExecutorGen;

            public partial class Outer
            {
                public class {|#1:Middle|}
                {
                    public class {|#0:Handlers|}
                    {
                        [RequestHandler]
                        public void Get(int id) { }
                    }
                }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.ContainingTypeNotPartial).WithLocation(0).WithLocation(1)
            .WithMessage("Handler class 'Handlers' is nested in 'Middle', which is not partial; the executor is declared beside the handler class, so make 'Middle' partial"));
        await test.RunAsync();
    }

    [Fact]
    public Task EXG105_partial_containing_types_are_not_reported() => new AnalyzerTest<ContainingTypeNotPartialAnalyzer>("""
        using ExecutorGen;

        public partial class Outer
        {
            internal partial record struct Middle
            {
                public class Handlers { [RequestHandler] public void Get(int id) { } }
            }
        }

        public class Top { [RequestHandler] public void Get(int id) { } }
        """).RunAsync();

    [Fact]
    public Task EXG105_one_partial_declaration_is_enough() => new AnalyzerTest<ContainingTypeNotPartialAnalyzer>("""
        using ExecutorGen;

        public partial class Outer { }
        public partial class Outer
        {
            public class Handlers { [RequestHandler] public void Get(int id) { } }
        }
        """).RunAsync();

    // ---------------------------------------------------------------- EXG106

    [Fact]
    public async Task EXG106_a_generic_handler_class_is_rejected()
    {
        var test = new AnalyzerTest<UnsupportedHandlerClassAnalyzer>("""
            using ExecutorGen;

            public class {|#0:Handlers|}<T>
            {
                [RequestHandler]
                public void Get(T value) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.UnsupportedHandlerClass).WithLocation(0)
            .WithMessage("Handler type 'Handlers' is generic; declare the handlers in a non-generic class (a generic containing type is fine)"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("struct")]
    [InlineData("record struct")]
    [InlineData("interface")]
    public Task EXG106_non_class_handler_types_are_rejected(string keyword) => new AnalyzerTest<UnsupportedHandlerClassAnalyzer>($$"""
        using ExecutorGen;

        public {{keyword}} {|EXG106:Handlers|}
        {
            [RequestHandler]
            public void Get(int value) { }
        }
        """).RunAsync();

    [Theory]
    [InlineData("class")]
    [InlineData("sealed class")]
    [InlineData("record")]
    [InlineData("abstract class")]
    public Task EXG106_classes_and_records_are_fine(string keyword) => new AnalyzerTest<UnsupportedHandlerClassAnalyzer>($$"""
        using ExecutorGen;

        public partial class Generic<T>
        {
            public {{keyword}} Handlers
            {
                [RequestHandler]
                public void Get(T value) { }
            }
        }
        """).RunAsync();

    // ---------------------------------------------------------------- EXG107

    [Fact]
    public async Task EXG107_names_the_class_and_what_holds_the_name()
    {
        var test = new AnalyzerTest<ExecutorNameCollisionAnalyzer>("""
            using ExecutorGen;

            namespace N
            {
                public class {|#0:Handlers|}
                {
                    [RequestHandler]
                    public void Get(int id) { }
                }

                public class {|#1:HandlersExecutor|} { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.ExecutorNameCollision).WithLocation(0).WithLocation(1)
            .WithMessage("No executor is generated for 'Handlers': 'HandlersExecutor' already names a class that is not partial; rename it, or declare it 'partial class' to add members to the executor"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("public struct HandlersExecutor { }")]
    [InlineData("public static partial class HandlersExecutor { }")]
    [InlineData("public partial record HandlersExecutor { }")]
    [InlineData("public enum HandlersExecutor { A }")]
    [InlineData("public interface HandlersExecutor { }")]
    public Task EXG107_types_that_cannot_merge_are_reported(string declaration) => new AnalyzerTest<ExecutorNameCollisionAnalyzer>($$"""
        using ExecutorGen;

        public class {|EXG107:Handlers|} { [RequestHandler] public void Get(int id) { } }
        {{declaration}}
        """).RunAsync();

    [Fact]
    public Task EXG107_a_member_of_the_containing_type_is_reported() => new AnalyzerTest<ExecutorNameCollisionAnalyzer>("""
        using ExecutorGen;

        public partial class Outer
        {
            public int HandlersExecutor { get; set; }
            public class {|EXG107:Handlers|} { [RequestHandler] public void Get(int id) { } }
        }
        """).RunAsync();

    [Theory]
    [InlineData("public partial class HandlersExecutor { public int Extra => 1; }")]
    [InlineData("public class HandlersExecutor<T> { }")]
    [InlineData("namespace Other { public class HandlersExecutor { } }")]
    public Task EXG107_mergeable_or_unrelated_declarations_are_not_reported(string declaration) => new AnalyzerTest<ExecutorNameCollisionAnalyzer>($$"""
        using ExecutorGen;

        public class Handlers { [RequestHandler] public void Get(int id) { } }
        {{declaration}}
        """).RunAsync();
}
