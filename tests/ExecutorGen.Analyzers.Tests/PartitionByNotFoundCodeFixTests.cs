using System.Threading.Tasks;
using ExecutorGen.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.CodeFixTest<
    ExecutorGen.Analyzers.PartitionByNotFoundAnalyzer,
    ExecutorGen.CodeFixes.PartitionByNotFoundCodeFixProvider>;

namespace ExecutorGen.Analyzers.Tests;

public class PartitionByNotFoundCodeFixTests
{
    private const string Types = """

        public class Entity { public int Id { get; set; } }

        public class Order : Entity { public int CustomerId { get; init; } }
        """;

    private static string Login(string partitionBy) => $$"""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {{partitionBy}})]
            public void Login(string userId, string password) { }
        }
        """;

    private static string Place(string partitionBy) => $$"""
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {{partitionBy}})]
            public void Place(Order order) { }
        }
        """ + Types;

    [Fact]
    public Task Parameter_becomes_nameof_at_latest_language_version() =>
        Verify(Login("{|EXG100:\"UserID\"|}"), Login("nameof(userId)"), expectedTitle: "Use 'userId'");

    [Fact]
    public Task Parameter_becomes_string_literal_before_CSharp_11() =>
        Verify(Login("{|EXG100:\"UserID\"|}"), Login("\"userId\""), languageVersion: LanguageVersion.CSharp10);

    [Fact]
    public Task Member_becomes_nameof_qualified_by_request_type() =>
        Verify(Place("{|EXG100:\"customerid\"|}"), Place("nameof(Order.CustomerId)"), expectedTitle: "Use 'CustomerId'");

    [Fact]
    public Task Inherited_member_becomes_nameof_qualified_by_request_type() =>
        Verify(Place("{|EXG100:\"ID\"|}"), Place("nameof(Order.Id)"));

    [Fact]
    public Task Member_of_a_keyword_type_is_qualified_by_the_keyword() => Verify(
        """
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG100:"length"|})]
            public void Echo(string text) { }
        }
        """,
        """
        using ExecutorGen;

        class Handlers
        {
            [RequestHandler(PartitionBy = nameof(string.Length))]
            public void Echo(string text) { }
        }
        """);

    [Theory]
    [InlineData(0, "password")]
    [InlineData(1, "userId")]
    public Task Fixes_are_ordered_by_closeness(int index, string name) =>
        Verify(Login("{|EXG100:\"passwrd\"|}"), Login($"nameof({name})"), index, expectedTitle: $"Use '{name}'");

    [Fact]
    public Task Fix_all_uses_the_same_name_everywhere()
    {
        const string source = """
            using ExecutorGen;

            class Handlers
            {
                [RequestHandler(PartitionBy = {|EXG100:"UserID"|})]
                public void Login(string userId) { }

                [RequestHandler(PartitionBy = {|EXG100:"user"|})]
                public void Logout(string userId) { }
            }
            """;
        const string fixedSource = """
            using ExecutorGen;

            class Handlers
            {
                [RequestHandler(PartitionBy = nameof(userId))]
                public void Login(string userId) { }

                [RequestHandler(PartitionBy = nameof(userId))]
                public void Logout(string userId) { }
            }
            """;
        return Verify(source, fixedSource);
    }

    [Fact]
    public void Ranking_puts_case_insensitive_match_first_then_nearest()
    {
        var ranked = CandidateRanking.Rank("userid", new[] { "request", "user", "UserId", "userId" });
        Assert.Equal(new[] { "userId", "UserId", "user", "request" }, ranked);
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("abc", "", 3)]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("passwrd", "password", 1)]
    public void Edit_distance_counts_insertions_deletions_and_substitutions(string a, string b, int expected) =>
        Assert.Equal(expected, CandidateRanking.EditDistance(a, b));

    private static Task Verify(
        string source,
        string fixedSource,
        int index = 0,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        string? expectedTitle = null)
    {
        var test = new Test(source, fixedSource, index, languageVersion);
        if (expectedTitle is not null)
            test.CodeActionVerifier = (action, verifier) => verifier.Equal(expectedTitle, action.Title);
        return test.RunAsync();
    }
}
