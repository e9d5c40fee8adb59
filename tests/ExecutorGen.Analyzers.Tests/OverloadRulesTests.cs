using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace ExecutorGen.Analyzers.Tests;

/// <summary>EXG108 handlers whose named members collide, EXG109 handlers that get no plain overloads.</summary>
public class OverloadRulesTests
{
    [Fact]
    public async Task EXG108_names_both_handlers_and_the_colliding_members()
    {
        var test = new AnalyzerTest<DuplicateHandlerMembersAnalyzer>("""
            using System.Threading.Tasks;
            using ExecutorGen;

            public class Handlers
            {
                [RequestHandler] public void Get(int id, string name) { }
                [RequestHandler] public Task {|#0:GetAsync|}(int other, string text) => Task.CompletedTask;
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.DuplicateHandlerMembers).WithLocation(0)
            .WithMessage("Handlers 'Get' and 'GetAsync' of 'Handlers' both generate SubmitGetAsync, TrySubmitGet and InvokeGetAsync with parameters (int, string); rename one of them"));
        await test.RunAsync();
    }

    [Fact]
    public Task EXG108_an_overload_that_differs_only_by_cancellation_token_collides() => new AnalyzerTest<DuplicateHandlerMembersAnalyzer>("""
        using System.Threading;
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler] public void Get(int id) { }
            [RequestHandler] public void {|EXG108:Get|}(int id, CancellationToken token) { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG108_overloads_with_different_request_types_are_fine() => new AnalyzerTest<DuplicateHandlerMembersAnalyzer>("""
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler] public void Get(int id) { }
            [RequestHandler] public void Get(string name) { }
            [RequestHandler] public void Find(int id) { }
        }
        """).RunAsync();

    [Fact]
    public async Task EXG109_reports_each_handler_that_loses_its_plain_overloads()
    {
        var test = new AnalyzerTest<SharedHandlerSignatureAnalyzer>("""
            using ExecutorGen;

            public class Sessions
            {
                [RequestHandler(PartitionBy = "userId")] public void {|#0:Login|}(string userId) { }
                [RequestHandler(PartitionBy = "userId")] public void {|#1:Logout|}(string userId) { }
                [RequestHandler(PartitionBy = "userId")] public void Rename(string userId, string name) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.SharedHandlerSignature).WithLocation(0)
            .WithMessage("Handlers 'Login' and 'Logout' of 'Sessions' take the same request types (string), so 'Login' gets only SubmitLoginAsync, TrySubmitLogin and InvokeLoginAsync, not the plain SubmitAsync, TrySubmit and InvokeAsync overloads"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.SharedHandlerSignature).WithLocation(1)
            .WithArguments("Logout", "Login", "Sessions", "string", "Logout"));
        await test.RunAsync();
    }

    [Fact]
    public Task EXG109_parameterless_handlers_share_the_empty_signature() => new AnalyzerTest<SharedHandlerSignatureAnalyzer>("""
        using ExecutorGen;

        public static class Clock
        {
            [RequestHandler] public static void {|EXG109:Tick|}() { }
            [RequestHandler] public static void {|EXG109:Tock|}() { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG109_nullable_annotations_do_not_tell_handlers_apart() => new AnalyzerTest<SharedHandlerSignatureAnalyzer>("""
        #nullable enable
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler] public void {|EXG109:A|}(string a) { }
            [RequestHandler] public void {|EXG109:B|}(string? b) { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG109_is_not_reported_beside_EXG108() => new AnalyzerTest<SharedHandlerSignatureAnalyzer>("""
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler] public void Get(int id) { }
            [RequestHandler] public void GetAsync(int id) { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG109_distinct_request_types_are_not_reported() => new AnalyzerTest<SharedHandlerSignatureAnalyzer>("""
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler] public void A(int a) { }
            [RequestHandler] public void B(long b) { }
            [RequestHandler] public void C(int a, int b) { }
        }
        """).RunAsync();
}
