using Xunit;

namespace ExecutorGen.Generators.Tests;

public class ShapeTests
{
    private static string Generated(string hintName)
    {
        var (_, result, _) = GeneratorHarness.Run(Sources.Shapes);
        return GeneratorHarness.GeneratedSource(result, hintName);
    }

    [Fact]
    public void A_static_handler_class_gets_an_options_only_constructor_and_static_calls()
    {
        string source = Generated("Shapes.PairsExecutor.g.cs");

        Assert.Contains("public PairsExecutor(global::ExecutorGen.ExecutorOptions? options = null)", source);
        Assert.Contains("return global::ExecutorGen.Runtime.Dispatch.Completed<int>(completion, global::Shapes.Pairs.Add(envelope.H0_a, envelope.H0_b));", source);
        Assert.DoesNotContain("_handlers", source);
    }

    [Fact]
    public void A_struct_request_member_key_is_read_from_the_envelope_field()
    {
        string source = Generated("Shapes.PairsExecutor.g.cs");

        Assert.Contains("ExecutorEngine<int, Envelope, Dispatcher>", source);
        Assert.Contains("key = envelope.H1_order.CustomerId;", source);
    }

    [Fact]
    public void A_global_namespace_class_gets_a_global_namespace_executor()
    {
        string source = Generated("GlobalHandlersExecutor.g.cs");

        Assert.DoesNotContain("namespace", source);
        Assert.Contains("public sealed partial class GlobalHandlersExecutor : global::System.IAsyncDisposable", source);
        Assert.Contains("global::ExecutorGen.Runtime.NoPartitionKey", source);
    }

    [Fact]
    public void A_nested_class_gets_its_executor_beside_it_with_the_same_accessibility()
    {
        string source = Generated("Shapes.Outer.Middle.InnerExecutor.g.cs");

        Assert.Contains("partial class Outer", source);
        Assert.Contains("partial struct Middle", source);
        Assert.Contains("private sealed partial class InnerExecutor", source);
        Assert.Contains("\"Shapes.Outer.Middle.InnerExecutor\"", source);
    }

    [Fact]
    public void Generated_parameter_names_never_collide_with_handler_parameters()
    {
        string source = Generated("Shapes.Outer.Middle.InnerExecutor.g.cs");

        Assert.Contains("internal global::System.Threading.Tasks.ValueTask SubmitWorkAsync(string cancellationToken, global::System.Threading.CancellationToken cancellationToken1 = default)", source);
        Assert.Contains("public bool TrySubmitOdd(string Envelope, int @class, int Handler) => this._engine.TrySubmit(global::Shapes.Outer.Middle.InnerExecutor.Envelope.ForOdd(Envelope, @class, Handler));", source);
    }

    [Theory]
    [InlineData("Void", "global::System.Threading.Tasks.Task InvokeVoidAsync(string x")]
    [InlineData("TaskAsync", "global::System.Threading.Tasks.Task InvokeTaskAsync(string x")]
    [InlineData("ValueTaskAsync", "global::System.Threading.Tasks.Task InvokeValueTaskAsync(string x")]
    [InlineData("Value", "global::System.Threading.Tasks.Task<long> InvokeValueAsync(string x")]
    [InlineData("TaskOfT", "global::System.Threading.Tasks.Task<string> InvokeTaskOfTAsync(string x")]
    [InlineData("ValueTaskOfT", "global::System.Threading.Tasks.Task<string[]> InvokeValueTaskOfTAsync(string x")]
    [InlineData("Static", "global::System.Threading.Tasks.Task<int> InvokeStaticAsync(")]
    public void Each_return_type_gets_a_typed_invoke(string handler, string expectedSignature)
    {
        string source = Generated("Shapes.ReturnsExecutor.g.cs");

        Assert.Contains(expectedSignature, source);
        Assert.Contains($"=> \"{handler}\",", source);
    }
}
