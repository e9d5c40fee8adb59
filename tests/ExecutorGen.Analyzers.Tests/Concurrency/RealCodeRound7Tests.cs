using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The seventh round of issue 14's false positives, from web applications whose controller actions and message handlers
/// stood in for handlers (docs/analyzers-on-real-code.md, "Round 7"): objects a request makes for itself. Each
/// must-not-flag test failed before its fix, and each has a companion that stays reported.
/// </summary>
public class RealCodeRound7Tests
{
    // A change set's builder made by a static factory (Builder(plan) => new(plan)) for each request: the builder's list is
    // the request's own. One handed out from a field is everyone's.
    private const string Builders = """
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class ChangeSet
        {
            private readonly List<string> _changes = new();
            private int _count;

            public static ChangeSet Builder(string plan) => new(plan);

            public static ChangeSet Create(string plan)
            {
                if (plan.Length == 0)
                    return new ChangeSet("default");
                return new ChangeSet(plan);
            }

            private ChangeSet(string plan) { }

            public ChangeSet Add(string change)
            {
                CHANGES;
                COUNT;
                return this;
            }
        }

        public sealed class Billing
        {
            private readonly ChangeSet _shared = ChangeSet.Builder("shared");

            private ChangeSet Shared() => _shared;

            [RequestHandler(PartitionBy = nameof(org))]
            public void Upgrade(string org)
            {
                var changes = ChangeSet.Builder(org);
                changes.Add("seats");
                ChangeSet.Create(org).Add("storage");
                USE;
            }
        }
        """;

    [Fact]
    public Task An_object_from_a_factory_that_returns_only_new_objects_is_the_request_s_own() => new Test(Builders
        .Replace("CHANGES", "_changes.Add(change)").Replace("COUNT", "_count++").Replace("USE", "changes.Add(\"more\")")).RunAsync();

    [Fact]
    public Task An_object_from_a_factory_that_returns_a_field_is_shared() => new Test(Builders
        .Replace("CHANGES", "{|EXG001:_changes.Add(change)|}").Replace("COUNT", "{|EXG001:_count++|}").Replace("USE", "Shared().Add(\"more\")")).RunAsync();

    // A subscription update made for one call and handed to a helper, which applies it: along that call, the helper's
    // parameter holds the request's own object. Handed a shared one from any caller, it is reported.
    private const string Updates = """
        using ExecutorGen;

        public sealed class Update
        {
            private int _seats;

            public void Apply(int seats) => _seats = seats + _seats;
        }

        public sealed class Payments
        {
            private readonly Update _pending = new();

            [RequestHandler(PartitionBy = nameof(org))]
            public void Adjust(string org, int seats)
            {
                var update = new Update();
                Finalize(update, seats);
                CALL;
            }

            private static void Finalize(Update update, int seats) => update.Apply(seats);
        }

        public sealed class Invoice
        {
            public Invoice(Update update) => update.Apply(1);
        }
        """;

    [Fact]
    public Task An_object_a_request_made_and_handed_to_a_helper_stays_its_own_there() => new Test(Updates.Replace("CALL", "Finalize(new Update(), 1)")).RunAsync();

    [Fact]
    public Task An_object_a_request_made_and_handed_to_a_constructor_stays_its_own_there() => new Test(Updates.Replace("CALL", "_ = new Invoice(new Update())")).RunAsync();

    [Fact]
    public Task A_constructor_handed_a_shared_object_is_reported() => new Test(Updates
        .Replace("CALL", "_ = new Invoice(_pending)").Replace("=> _seats = seats + _seats", "=> {|EXG001:_seats = seats + _seats|}")).RunAsync();

    [Fact]
    public Task A_helper_handed_a_shared_object_by_any_caller_is_reported() => new Test(Updates
        .Replace("CALL", "Finalize(_pending, 1)").Replace("=> _seats = seats + _seats", "=> {|EXG001:_seats = seats + _seats|}")).RunAsync();
}
