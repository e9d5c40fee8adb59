using System.Linq;
using System.Text.RegularExpressions;
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
        Assert.Contains("completion, global::Shapes.Pairs.Add(envelope.A, envelope.B));", source);
        Assert.DoesNotContain("_handlers", source);
    }

    [Fact]
    public void A_struct_request_member_key_is_read_from_the_envelope_field()
    {
        string source = Generated("Shapes.PairsExecutor.g.cs");

        Assert.Contains("ExecutorEngine<int, Envelope, Dispatcher>", source);
        Assert.Contains("key = envelope.Order.CustomerId;", source);
    }

    [Theory]
    [InlineData("Shapes.PairsExecutor.g.cs")]
    [InlineData("GlobalHandlersExecutor.g.cs")]
    [InlineData("Shapes.Outer.Middle.InnerExecutor.g.cs")]
    public void Every_executor_forwards_SetWorkerCount_to_its_engine(string hintName)
    {
        string source = Generated(hintName);

        Assert.Contains("public void SetWorkerCount(int workerCount) => this._engine.SetWorkerCount(workerCount);", source);
        Assert.Contains("<param name=\"workerCount\">", source);
    }

    [Fact]
    public void A_batch_handler_s_members_take_one_item_keyed_by_its_member_and_its_batches_are_called_with_a_list()
    {
        string source = Generated("Shapes.LedgerExecutor.g.cs");

        Assert.Contains("public bool TrySubmit(global::Shapes.Entry item) => this._engine.TrySubmit(Envelope.ForPost(item));", source);
        Assert.Contains("public global::System.Threading.Tasks.Task InvokePostAsync(", source);
        Assert.Contains("key = (envelope.Item ?? throw new global::System.ArgumentNullException(\"item\")).Account;", source);
        Assert.Contains("this._handlers.Post(new global::Shapes.Entry[] { envelope.Item }, cancellationToken)", source); // a lone request
        Assert.Contains("return global::ExecutorGen.Runtime.Dispatch.Await(this._handlers.Post(items, cancellationToken), null);", source);
        Assert.Contains("HandlerId.Post => 64,", source);
        Assert.Contains("HandlerId.Audit => 8,", source);
        Assert.Contains("public bool HasBatchHandlers => true;", source);
        Assert.DoesNotContain("HandlerId.Close =>", Regex.Match(source, "GetMaxBatchSize[^;]*;", RegexOptions.Singleline).Value);
    }

    [Fact]
    public void A_class_without_batch_handlers_gets_no_batch_members()
    {
        string source = Generated("Shapes.PairsExecutor.g.cs");

        Assert.DoesNotContain("HasBatchHandlers", source); // the interface's default: false
        Assert.DoesNotContain("DispatchBatchAsync", source);
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

        Assert.Contains("string cancellationToken, global::System.Threading.CancellationToken cancellationToken1 = default)", source);
        Assert.Contains("public bool TrySubmitOdd(string Envelope, int @class, int Handler)", source);
        // A parameter named Envelope hides the nested type's simple name: the request is built through the qualified name.
        Assert.Contains("=> this._engine.TrySubmit(", source);
        Assert.Contains("global::Shapes.Outer.Middle.InnerExecutor.Envelope.ForOdd(Envelope, @class, Handler));", source);
    }

    [Theory]
    [InlineData("Void", "global::System.Threading.Tasks.Task InvokeVoidAsync(")]
    [InlineData("TaskAsync", "global::System.Threading.Tasks.Task InvokeTaskAsync(")]
    [InlineData("ValueTaskAsync", "global::System.Threading.Tasks.Task InvokeValueTaskAsync(")]
    [InlineData("Value", "global::System.Threading.Tasks.Task<long> InvokeValueAsync(")]
    [InlineData("TaskOfT", "global::System.Threading.Tasks.Task<string> InvokeTaskOfTAsync(")]
    [InlineData("ValueTaskOfT", "global::System.Threading.Tasks.Task<string[]> InvokeValueTaskOfTAsync(")]
    [InlineData("Static", "global::System.Threading.Tasks.Task<int> InvokeStaticAsync(")]
    public void Each_return_type_gets_a_typed_invoke(string handler, string expectedSignature)
    {
        string source = Generated("Shapes.ReturnsExecutor.g.cs");

        Assert.Contains(expectedSignature, source);
        Assert.Contains($"=> \"{handler}\",", source);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void Handlers_with_the_same_parameter_types_share_the_envelope_fields(int handlerCount)
    {
        // N handlers (string key, int amount) and one (int amount, int other): a field per type as often as one handler needs it.
        string handlers = string.Concat(Enumerable.Range(0, handlerCount).Select(i =>
            $"[ExecutorGen.RequestHandler(PartitionBy = nameof(user{i}))] public void H{i}(string user{i}, int amount{i}) {{ }}\n"));
        var compilation = GeneratorHarness.CreateCompilation(new[]
        {
            $"namespace N; public class Many {{ {handlers} [ExecutorGen.RequestHandler] public void Pair(int a, int b) {{ }} }}",
        });
        var (output, result, _) = GeneratorHarness.Run(compilation);
        string source = GeneratorHarness.GeneratedSource(result, "N.ManyExecutor.g.cs");

        string envelope = Regex.Match(source, @"private struct Envelope\s*\{(?<body>.*?)public static", RegexOptions.Singleline).Groups["body"].Value;
        var fields = Regex.Matches(envelope, @"public (?<type>[\w.:]+) \w+;").Select(m => m.Groups["type"].Value).ToList();
        Assert.Equal(new[] { "HandlerId", "string", "int", "int" }, fields);
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output));
    }
}
