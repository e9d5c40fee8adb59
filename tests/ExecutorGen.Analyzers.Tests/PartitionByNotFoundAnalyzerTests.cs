using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.PartitionByNotFoundAnalyzer>;

namespace ExecutorGen.Analyzers.Tests;

public class PartitionByNotFoundAnalyzerTests
{
    private const string Types = """

        public class Entity { public int Id { get; set; } }

        public class Order : Entity
        {
            public int CustomerId { get; init; }
            public string Region = "";
            public decimal Total { private get; set; }
            private int Secret { get; set; }
            public static int Count { get; set; }
        }
        """;

    [Fact]
    public async Task Message_names_the_missing_name_the_handler_and_the_candidates()
    {
        var test = new Test("""
            using System.Threading.Tasks;
            using ExecutorGen;

            class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:"UserID"|})]
                public Task Login(string userId, string password) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.PartitionByNotFound)
            .WithLocation(0)
            .WithMessage("PartitionBy \"UserID\" on handler 'Login' names no parameter, property or field; it could name: userId, password"));
        await test.RunAsync();
    }

    [Fact]
    public Task Typo_in_parameter_name_is_reported() => new Test("""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG100:"userid"|})]
            public void Login(string userId, string password) { }
        }
        """).RunAsync();

    [Fact]
    public Task Wrong_member_of_request_is_reported() => new Test("""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG100:"CustomerName"|})]
            public void Place(Order order) { }
        }
        """ + Types).RunAsync();

    [Fact]
    public Task Member_of_one_of_several_parameters_is_reported() => new Test("""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG100:"CustomerId"|})]
            public void Place(Order order, int priority) { }
        }
        """ + Types).RunAsync();

    [Theory]
    [InlineData("Secret")]
    [InlineData("Count")]
    [InlineData("Total")]
    public Task Private_static_or_unreadable_member_is_reported(string member) => new Test($$"""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG100:"{{member}}"|})]
            public void Place(Order order) { }
        }
        """ + Types).RunAsync();

    [Fact]
    public Task Candidates_are_exactly_the_names_that_resolve()
    {
        // Total has a private getter and Secret is private: neither may be offered, since neither resolves.
        var test = new Test("""
            using ExecutorGen;

            class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:"Customer"|})]
                public void Place(Order order) { }
            }
            """ + Types);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.PartitionByNotFound)
            .WithLocation(0)
            .WithArguments("Customer", "Place", "order, CustomerId, Region, Id"));
        return test.RunAsync();
    }

    [Fact]
    public Task Member_inherited_from_an_extended_interface_resolves() => new Test("""
        using ExecutorGen;

        public interface IKeyed { string Key { get; } }
        public interface ICommand : IKeyed { int Attempt { get; } }

        class Handlers
        {
            [RequestHandler(PartitionBy = nameof(IKeyed.Key))]
            public void Run(ICommand command) { }
        }
        """).RunAsync();

    [Fact]
    public Task Cancellation_token_parameter_is_reported()
    {
        var test = new Test("""
            using System.Threading;
            using ExecutorGen;

            class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:"cancellationToken"|})]
                public void Login(string userId, CancellationToken cancellationToken) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.PartitionByNotFound)
            .WithLocation(0)
            .WithArguments("cancellationToken", "Login", "userId, Length"));
        return test.RunAsync();
    }

    [Fact]
    public Task Handler_without_parameters_lists_no_candidates()
    {
        var test = new Test("""
            using ExecutorGen;

            class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:"key"|})]
                public void Tick() { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.PartitionByNotFound)
            .WithLocation(0)
            .WithArguments("key", "Tick", "(none)"));
        return test.RunAsync();
    }

    [Theory]
    [InlineData("\"userId\"")]
    [InlineData("\"password\"")]
    [InlineData("nameof(userId)")]
    public Task Parameter_name_is_not_reported(string expression) => new Test($$"""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {{expression}})]
            public void Login(string userId, string password) { }
        }
        """, LanguageVersion.CSharp11).RunAsync();

    [Theory]
    [InlineData("\"CustomerId\"")]
    [InlineData("nameof(Order.CustomerId)")]
    [InlineData("\"Id\"")]
    [InlineData("\"Region\"")]
    public Task Member_of_single_request_parameter_is_not_reported(string expression) => new Test($$"""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {{expression}})]
            public void Place(Order order) { }
        }
        """ + Types).RunAsync();

    [Fact]
    public Task Trailing_cancellation_token_is_not_a_request_parameter() => new Test("""
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = "CustomerId")]
            public Task Place(Order order, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """ + Types).RunAsync();

    [Theory]
    [InlineData("[RequestHandler]")]
    [InlineData("[RequestHandler()]")]
    [InlineData("[RequestHandler(PartitionBy = null)]")]
    [InlineData("[Other.RequestHandler(PartitionBy = \"nothing\")]")]
    [InlineData("")]
    public Task Handler_without_a_partition_name_is_not_reported(string attribute) => new Test($$"""
        using ExecutorGen;

        class Handlers
        {
            {{attribute}}
            public void Login(string userId) { }
        }

        namespace Other
        {
            class RequestHandlerAttribute : System.Attribute { public string? PartitionBy { get; set; } }
        }
        """).RunAsync();

    [Fact]
    public Task Nothing_is_reported_when_ExecutorGen_is_not_referenced() => new Test("""
        namespace ExecutorGen
        {
            class Handlers
            {
                [Other.RequestHandler(PartitionBy = "nothing")]
                public void Login(string userId) { }
            }
        }

        namespace Other
        {
            class RequestHandlerAttribute : System.Attribute { public string? PartitionBy { get; set; } }
        }
        """, withExecutorGen: false).RunAsync();

    [Fact]
    public Task Request_of_unresolved_type_is_not_reported() => new Test("""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = "CustomerId")]
            public void Place({|CS0246:Missing|} order) { }
        }
        """).RunAsync();

    [Fact]
    public Task Non_constant_partition_name_is_left_to_the_compiler() => new Test("""
        using ExecutorGen;

        class Handlers
        {
            static string Name = "userId";

            [RequestHandler(PartitionBy = {|CS0182:Name|})]
            public void Login(string userId) { }
        }
        """).RunAsync();

    [Fact]
    public Task Broken_attribute_syntax_does_not_crash() => new Test("""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {|CS1525:)|}]
            public void Login(string userId) { }
        }
        """).RunAsync();
}
