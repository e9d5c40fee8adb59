using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.CodeFixTest<
    ExecutorGen.Analyzers.ContainingTypeNotPartialAnalyzer,
    ExecutorGen.CodeFixes.MakeContainingTypePartialCodeFixProvider>;

namespace ExecutorGen.Analyzers.Tests;

public class MakeContainingTypePartialCodeFixTests
{
    [Fact]
    public Task Adds_partial_after_the_other_modifiers() => new Test("""
        using ExecutorGen;

        public static class Outer
        {
            public class {|EXG105:Handlers|} { [RequestHandler] public void Get(int id) { } }
        }
        """, """
        using ExecutorGen;

        public static partial class Outer
        {
            public class Handlers { [RequestHandler] public void Get(int id) { } }
        }
        """).RunAsync();

    [Fact]
    public Task Adds_partial_to_a_type_without_modifiers() => new Test("""
        using ExecutorGen;

        // Holds the handlers.
        class Outer
        {
            public class {|EXG105:Handlers|} { [RequestHandler] public void Get(int id) { } }
        }
        """, """
        using ExecutorGen;

        // Holds the handlers.
        partial class Outer
        {
            public class Handlers { [RequestHandler] public void Get(int id) { } }
        }
        """).RunAsync();

    [Fact]
    public Task Fixes_the_innermost_non_partial_type_first()
    {
        var test = new Test("""
            using ExecutorGen;

            public class Outer
            {
                internal struct Middle
                {
                    public class {|EXG105:Handlers|} { [RequestHandler] public void Get(int id) { } }
                }
            }
            """, """
            using ExecutorGen;

            public partial class Outer
            {
                internal partial struct Middle
                {
                    public class Handlers { [RequestHandler] public void Get(int id) { } }
                }
            }
            """);
        test.NumberOfFixAllIterations = 2;
        test.NumberOfIncrementalIterations = 2;
        return test.RunAsync();
    }
}
