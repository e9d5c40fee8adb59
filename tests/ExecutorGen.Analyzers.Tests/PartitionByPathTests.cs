using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using FixTest = ExecutorGen.Analyzers.Tests.CodeFixTest<
    ExecutorGen.Analyzers.PartitionByNotFoundAnalyzer,
    ExecutorGen.CodeFixes.PartitionByNotFoundCodeFixProvider>;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.PartitionByNotFoundAnalyzer>;

namespace ExecutorGen.Analyzers.Tests;

/// <summary>Dotted PartitionBy paths ("Customer.Id"): what resolves, what EXG100/EXG101 say when it does not.</summary>
public class PartitionByPathTests
{
    private const string Types = """

        public record Entity { public string Id { get; init; } = ""; }
        public record Customer(string Name) : Entity;
        public record Order(Customer Customer, int Sequence);
        """;

    [Theory]
    [InlineData("\"Customer.Id\"", "Place(Order order)")]
    [InlineData("\"Customer.Name.Length\"", "Place(Order order)")]
    [InlineData("\"order.Customer.Id\"", "Place(Order order, int priority)")]
    [InlineData("\"order.Sequence\"", "Place(Order order, System.Threading.CancellationToken token)")]
    public Task Paths_through_members_and_parameters_resolve(string partitionBy, string signature) => new Test($$"""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {{partitionBy}})]
            public void {{signature}} { }
        }
        """ + Types).RunAsync();

    [Fact]
    public async Task A_wrong_step_lists_the_paths_that_would_resolve_there()
    {
        var test = new Test("""
            using ExecutorGen;

            class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:"Customer.Idd"|})]
                public void Place(Order order) { }
            }
            """ + Types);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.PartitionByNotFound).WithLocation(0)
            .WithMessage("PartitionBy \"Customer.Idd\" on handler 'Place' names no parameter, property or field; it could name: Customer.Name, Customer.Id"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("\"Customer.\"")]
    [InlineData("\".Id\"")]
    [InlineData("\"Customer..Id\"")]
    [InlineData("\"Missing.Id\"")]
    [InlineData("\"order.Missing\"")]
    public Task Malformed_or_unknown_paths_are_reported(string partitionBy) => new Test($$"""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG100:{{partitionBy}}|})]
            public void Place(Order order, int priority) { }
        }
        """ + Types).RunAsync();

    [Fact]
    public Task An_ambiguous_step_is_EXG101() => new AnalyzerTest<PartitionByAmbiguousAnalyzer>("""
        using ExecutorGen;

        public interface IA { int Id { get; } }
        public interface IB { int Id { get; } }
        public interface IAB : IA, IB { }
        public record Request(IAB Tenant);

        class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG101:"Tenant.Id"|})]
            public void Run(Request request) { }
        }
        """).RunAsync();

    [Fact]
    public Task The_code_fix_writes_a_path_as_a_string() => new FixTest("""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG100:"Customer.Idd"|})]
            public void Place(Order order) { }
        }
        """ + Types, """
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = "Customer.Id")]
            public void Place(Order order) { }
        }
        """ + Types).RunAsync();
}
