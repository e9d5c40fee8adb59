using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace ExecutorGen.Analyzers.Tests;

/// <summary>EXG101 ambiguous PartitionBy, EXG102 key types that differ, EXG110 keys without value equality, EXG111 nullable keys.</summary>
public class PartitionByRulesTests
{
    // ---------------------------------------------------------------- EXG101

    [Fact]
    public async Task EXG101_a_name_matching_a_parameter_and_a_member_of_it_is_ambiguous()
    {
        var test = new AnalyzerTest<PartitionByAmbiguousAnalyzer>("""
            using ExecutorGen;

            public class Box { public int Id; }

            public class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:"Id"|})]
                public void Put(Box Id) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.PartitionByAmbiguous).WithLocation(0)
            .WithMessage("PartitionBy \"Id\" on handler 'Put' is ambiguous: it matches parameter 'Id' and member 'Box.Id'"));
        await test.RunAsync();
    }

    [Fact]
    public async Task EXG101_members_of_two_unrelated_interfaces_are_ambiguous()
    {
        var test = new AnalyzerTest<PartitionByAmbiguousAnalyzer>("""
            using ExecutorGen;

            public interface IUser { string Id { get; } }
            public interface IOrder { string Id { get; } }
            public interface IUserOrder : IUser, IOrder { }

            public class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:"Id"|})]
                public void Place(IUserOrder order) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.PartitionByAmbiguous).WithLocation(0)
            .WithMessage("PartitionBy \"Id\" on handler 'Place' is ambiguous: it matches member 'IUser.Id' and member 'IOrder.Id'"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("public interface IA { string Id { get; } } public interface IB : IA { new string Id { get; } } public interface IC : IB { }", "IC")]
    [InlineData("public class Base { public int Id { get; set; } } public class Derived : Base { public new int Id { get; set; } }", "Derived")]
    [InlineData("public interface IA { string Id { get; } } public interface IB : IA { }", "IB")]
    public Task EXG101_a_hiding_member_is_not_ambiguous(string types, string request) => new AnalyzerTest<PartitionByAmbiguousAnalyzer>($$"""
        using ExecutorGen;

        {{types}}

        public class Handlers
        {
            [RequestHandler(PartitionBy = "Id")]
            public void Put({{request}} request) { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG101_a_parameter_among_several_is_not_ambiguous() => new AnalyzerTest<PartitionByAmbiguousAnalyzer>("""
        using ExecutorGen;

        public class Box { public int Id; }

        public class Handlers
        {
            [RequestHandler(PartitionBy = "Id")]
            public void Put(Box box, int Id) { }
        }
        """).RunAsync();

    // ---------------------------------------------------------------- EXG102

    [Fact]
    public async Task EXG102_names_both_handlers_and_both_key_types()
    {
        var test = new AnalyzerTest<KeyTypesDifferAnalyzer>("""
            using System;
            using ExecutorGen;

            public record Order(Guid CustomerId);

            public class Handlers
            {
                [RequestHandler(PartitionBy = "userId")]
                public void Login(string userId) { }

                [RequestHandler]
                public void Audit(int anything) { }

                [RequestHandler(PartitionBy = {|#0:nameof(Order.CustomerId)|})]
                public void Place(Order order) { }

                [RequestHandler(PartitionBy = "name")]
                public void Logout(string name) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.KeyTypesDiffer).WithLocation(0)
            .WithMessage("Handler 'Place' partitions by Guid but handler 'Login' of 'Handlers' partitions by string; the handlers of a class share one key space, so their keys must have the same type"));
        await test.RunAsync();
    }

    [Fact]
    public Task EXG102_nullable_annotations_do_not_make_key_types_differ() => new AnalyzerTest<KeyTypesDifferAnalyzer>("""
        #nullable enable
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler(PartitionBy = "a")] public void A(string a) { }
            [RequestHandler(PartitionBy = "b")] public void B(string? b, int x) { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG102_int_and_nullable_int_differ() => new AnalyzerTest<KeyTypesDifferAnalyzer>("""
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler(PartitionBy = "a")] public void A(int a) { }
            [RequestHandler(PartitionBy = {|EXG102:"b"|})] public void B(int? b) { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG102_handlers_of_different_classes_have_their_own_key_spaces() => new AnalyzerTest<KeyTypesDifferAnalyzer>("""
        using ExecutorGen;

        public class Users { [RequestHandler(PartitionBy = "a")] public void A(int a) { } }
        public class Orders { [RequestHandler(PartitionBy = "b")] public void B(string b) { } }
        """).RunAsync();

    [Fact]
    public Task EXG102_partial_class_over_two_files_is_one_key_space()
    {
        var test = new AnalyzerTest<KeyTypesDifferAnalyzer>("""
            using ExecutorGen;

            public partial class Handlers { [RequestHandler(PartitionBy = "a")] public void A(int a) { } }
            """);
        test.TestState.Sources.Add("""
            using ExecutorGen;

            public partial class Handlers { [RequestHandler(PartitionBy = {|EXG102:"b"|})] public void B(long b) { } }
            """);
        return test.RunAsync();
    }

    // ---------------------------------------------------------------- EXG110

    [Fact]
    public async Task EXG110_a_plain_class_key_is_reported_with_its_type()
    {
        var test = new AnalyzerTest<KeyWithoutValueEqualityAnalyzer>("""
            using ExecutorGen;

            public class CustomerId { public int Value; }

            public class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:nameof(customer)|})]
                public void Place(CustomerId customer, int amount) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.KeyWithoutValueEquality).WithLocation(0)
            .WithMessage("The partition key of handler 'Place' has type 'CustomerId', which compares by reference: two equal-looking keys are different keys, so their requests are not ordered together"));
        await test.RunAsync();
    }

    [Theory]
    [InlineData("object")]
    [InlineData("int[]")]
    [InlineData("System.IComparable")]
    [InlineData("System.Action")]
    public Task EXG110_identity_compared_types_are_reported(string type) => new AnalyzerTest<KeyWithoutValueEqualityAnalyzer>($$"""
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG110:"key"|})]
            public void Run({{type}} key) { }
        }
        """).RunAsync();

    [Theory]
    [InlineData("string")]
    [InlineData("int")]
    [InlineData("long")]
    [InlineData("System.Guid")]
    [InlineData("System.DayOfWeek")]
    [InlineData("Point")]
    [InlineData("RecordKey")]
    [InlineData("DerivedRecordKey")]
    [InlineData("EquatableKey")]
    [InlineData("OverridingKey")]
    [InlineData("DerivedOverridingKey")]
    [InlineData("(int, string)")]
    [InlineData("System.Uri")]
    public Task EXG110_value_equal_types_are_not_reported(string type) => new AnalyzerTest<KeyWithoutValueEqualityAnalyzer>($$"""
        using System;
        using ExecutorGen;

        public struct Point { public int X, Y; }
        public record RecordKey(int Id);
        public record DerivedRecordKey(int Id, int Sub) : RecordKey(Id);
        public sealed class EquatableKey : IEquatable<EquatableKey> { public bool Equals(EquatableKey? other) => true; public override bool Equals(object? o) => true; public override int GetHashCode() => 0; }
        public class OverridingKey { public override bool Equals(object? o) => true; public override int GetHashCode() => 0; }
        public class DerivedOverridingKey : OverridingKey { }

        public class Handlers
        {
            [RequestHandler(PartitionBy = "key")]
            public void Run({{type}} key) { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG110_a_member_key_of_a_plain_class_is_reported() => new AnalyzerTest<KeyWithoutValueEqualityAnalyzer>("""
        using ExecutorGen;

        public class Tenant { }
        public record Request(Tenant Tenant);

        public class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG110:nameof(Request.Tenant)|})]
            public void Run(Request request) { }
        }
        """).RunAsync();

    // ---------------------------------------------------------------- EXG111

    [Fact]
    public async Task EXG111_a_nullable_reference_key_is_reported_with_where_nulls_go()
    {
        var test = new AnalyzerTest<NullableKeyAnalyzer>("""
            #nullable enable
            using ExecutorGen;

            public class Handlers
            {
                [RequestHandler(PartitionBy = {|#0:nameof(userId)|})]
                public void Login(string? userId) { }
            }
            """);
        test.ExpectedDiagnostics.Add(new DiagnosticResult(DiagnosticDescriptors.NullableKey).WithLocation(0)
            .WithMessage("The partition key of handler 'Login' can be null (string?): every request with a null key shares one lane and runs one at a time, in order"));
        await test.RunAsync();
    }

    [Fact]
    public Task EXG111_a_nullable_value_type_member_key_is_reported() => new AnalyzerTest<NullableKeyAnalyzer>("""
        using ExecutorGen;

        public record struct Request(int? TenantId);

        public class Handlers
        {
            [RequestHandler(PartitionBy = {|EXG111:nameof(Request.TenantId)|})]
            public void Run(Request request) { }
        }
        """).RunAsync();

    [Theory]
    [InlineData("#nullable enable", "string")]
    [InlineData("#nullable disable", "string")]
    [InlineData("#nullable enable", "int")]
    public Task EXG111_non_nullable_and_oblivious_keys_are_not_reported(string context, string type) => new AnalyzerTest<NullableKeyAnalyzer>($$"""
        {{context}}
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler(PartitionBy = "key")]
            public void Run({{type}} key) { }
        }
        """).RunAsync();

    [Fact]
    public Task EXG111_an_unordered_handler_with_a_nullable_parameter_is_not_reported() => new AnalyzerTest<NullableKeyAnalyzer>("""
        #nullable enable
        using ExecutorGen;

        public class Handlers
        {
            [RequestHandler]
            public void Run(string? key) { }
        }
        """).RunAsync();
}
