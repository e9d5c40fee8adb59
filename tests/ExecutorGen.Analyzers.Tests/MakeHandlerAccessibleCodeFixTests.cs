using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.CodeFixTest<
    ExecutorGen.Analyzers.InaccessibleHandlerAnalyzer,
    ExecutorGen.CodeFixes.MakeHandlerAccessibleCodeFixProvider>;

namespace ExecutorGen.Analyzers.Tests;

public class MakeHandlerAccessibleCodeFixTests
{
    [Theory]
    [InlineData("private")]
    [InlineData("protected")]
    [InlineData("private protected")]
    public Task A_private_or_protected_handler_becomes_internal(string accessibility) => new Test($$"""
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler]
            {{accessibility}} static void {|EXG104:Get|}(int id) { }
        }
        """, """
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler]
            internal static void Get(int id) { }
        }
        """).RunAsync();

    [Fact]
    public Task A_file_local_class_becomes_internal() => new Test("""
        using ExecutorGen;

        file sealed class {|EXG104:Handlers|}
        {
            [RequestHandler]
            public void Get(int id) { }
        }
        """, """
        using ExecutorGen;

        internal sealed class Handlers
        {
            [RequestHandler]
            public void Get(int id) { }
        }
        """).RunAsync();
}
