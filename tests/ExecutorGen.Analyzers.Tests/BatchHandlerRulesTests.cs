using System.Threading.Tasks;
using ExecutorGen.Analyzers;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace ExecutorGen.Analyzers.Tests;

/// <summary>EXG112 batch handlers that cannot take batches, and how PartitionBy reads a batch handler's item (EXG100, EXG102).</summary>
public class BatchHandlerRulesTests
{
    [Fact]
    public async Task EXG112_names_the_handler_and_what_is_wrong()
    {
        var test = new AnalyzerTest<InvalidBatchHandlerAnalyzer>("""
            using System.Collections.Generic;
            using ExecutorGen;

            public sealed record Order(string Key);

            public class Handlers
            {
                [RequestHandler(PartitionBy = nameof(Order.Key), MaxBatchSize = 0)]
                public void {|#0:Save|}(IReadOnlyList<Order> orders) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.InvalidBatchHandler).WithLocation(0)
            .WithMessage("No executor is generated: handler 'Save' has MaxBatchSize = 0; a batch holds at least one request"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("[RequestHandler(MaxBatchSize = -5)] public void {|EXG112:Save|}(IReadOnlyList<Order> orders) { }")]
    [InlineData("[RequestHandler(MaxBatchSize = 10)] public void Save(List<Order> {|EXG112:orders|}) { }")]
    [InlineData("[RequestHandler(MaxBatchSize = 10)] public void Save(Order[] {|EXG112:orders|}) { }")]
    [InlineData("[RequestHandler(MaxBatchSize = 10)] public void Save(IReadOnlyList<Order> {|EXG112:orders|}, int more) { }")]
    [InlineData("[RequestHandler(MaxBatchSize = 10)] public void {|EXG112:Save|}(CancellationToken token) { }")]
    [InlineData("[RequestHandler(MaxBatchSize = 10)] public int {|EXG112:Save|}(IReadOnlyList<Order> orders) => 0;")]
    [InlineData("[RequestHandler(MaxBatchSize = 10)] public Task<int> {|EXG112:Save|}(IReadOnlyList<Order> orders) => Task.FromResult(0);")]
    public Task EXG112_reports_batch_handlers_that_cannot_take_batches(string handler) => Run<InvalidBatchHandlerAnalyzer>(handler);

    [Theory]
    [InlineData("[RequestHandler(PartitionBy = nameof(Order.Key), MaxBatchSize = 10)] public void Save(IReadOnlyList<Order> orders) { }")]
    [InlineData("[RequestHandler(MaxBatchSize = 1)] public Task Save(IReadOnlyList<Order> orders, CancellationToken token) => Task.CompletedTask;")]
    [InlineData("[RequestHandler(MaxBatchSize = 10)] public ValueTask Save(IReadOnlyList<Order> orders) => default;")]
    [InlineData("[RequestHandler] public void Save(IReadOnlyList<Order> orders) { }")] // no MaxBatchSize: one request holding a list
    [InlineData("[RequestHandler] public int Save(List<Order> orders) => 0;")]
    public Task EXG112_leaves_batch_handlers_that_can_batch_and_other_handlers_alone(string handler) => Run<InvalidBatchHandlerAnalyzer>(handler);

    [Fact]
    public async Task EXG100_on_a_batch_handler_offers_the_members_of_the_item_type()
    {
        var test = new AnalyzerTest<PartitionByNotFoundAnalyzer>("""
            using System.Collections.Generic;
            using ExecutorGen;

            public sealed record Order(string Key, int Id);

            public class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:"Count"|}, MaxBatchSize = 10)]
                public void Save(IReadOnlyList<Order> orders) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.PartitionByNotFound).WithLocation(0)
            .WithArguments("Count", "Save", "orders, Key, Id"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("[RequestHandler(PartitionBy = nameof(Order.Key), MaxBatchSize = 10)] public void Save(IReadOnlyList<Order> orders) { }")]
    [InlineData("[RequestHandler(PartitionBy = \"Customer.Name\", MaxBatchSize = 10)] public void Save(IReadOnlyList<Order> orders) { }")]
    [InlineData("[RequestHandler(PartitionBy = nameof(ids), MaxBatchSize = 10)] public void Save(IReadOnlyList<string> ids) { }")] // each item its own key
    public Task EXG100_resolves_a_batch_handler_s_PartitionBy_on_its_item(string handler) => Run<PartitionByNotFoundAnalyzer>(handler);

    [Fact]
    public Task EXG102_compares_a_batch_handler_s_item_key_with_the_other_handlers_keys() => Run<KeyTypesDifferAnalyzer>("""
        [RequestHandler(PartitionBy = nameof(Order.Key), MaxBatchSize = 10)] public void Save(IReadOnlyList<Order> orders) { }
        [RequestHandler(PartitionBy = {|EXG102:nameof(id)|})] public void Touch(int id) { }
        """);

    private static Task Run<TAnalyzer>(string handlers)
        where TAnalyzer : Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer, new() =>
        new AnalyzerTest<TAnalyzer>($$"""
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using ExecutorGen;

            public sealed record Customer(string Name);
            public sealed record Order(string Key, int Id, Customer Customer);

            public class Handlers
            {
                {{handlers}}
            }
            """).RunAsync();
}
