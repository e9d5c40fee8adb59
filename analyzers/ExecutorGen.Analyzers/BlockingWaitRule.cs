using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// EXG004 over the composed summaries: blocking waits with neither a timeout nor a cancellation token
/// (<c>BlockingCollection.Take()</c>, <c>Task.Wait()</c>, <c>.Result</c>, <c>GetAwaiter().GetResult()</c>,
/// <c>Thread.Join()</c>, <c>Monitor.Wait(obj)</c>, <c>SemaphoreSlim.Wait()</c>, <c>WaitHandle.WaitOne()</c>) in worker
/// code, in any type the worker reaches. Waits on a task (and the seed's <c>Take()</c>) count in any worker code; the
/// others only in handlers and async code: on a synchronous thread of its own, <c>Monitor.Wait</c>, <c>WaitOne</c> and
/// <c>Join</c> are how it waits for work or for its peers (measured on real code: nearly every such report was by design).
/// Waits under a test of a bool parameter (<c>if (disposing)</c>) count only for workers that reach the method with a
/// value that runs them, and not in a method only called to initialize a field lazily (it runs once), in the lazy
/// initialization of a shared object's field itself, nor in the factory of one constant key of a shared cache (it runs
/// when that entry is missing).
/// <see cref="SummaryWalker"/> leaves out tasks known to be complete, tasks of a method called with <c>async: false</c>,
/// and waits listed as bounded in <c>.editorconfig</c>; waits where vs-threading's peer rule is suppressed are left out
/// here (<see cref="PeerSuppressions"/>).
/// </summary>
internal static class BlockingWaitRule
{
    public static void Report(Composition composition, CompilationAnalysisContext context)
    {
        foreach (var function in composition.Functions.Values)
        {
            if (function.Waits.Count == 0)
                continue;
            if (composition.ReachedFrom(function).Count == 0 || RunsOnce(composition, function) || FillsOneSharedEntry(composition, function))
                continue;
            foreach (var wait in function.Waits)
            {
                var reachedFrom = composition.ReachedInScope(function, wait.Syntax.SyntaxTree);
                if (reachedFrom.Count == 0)
                    continue;
                var handler = reachedFrom.FirstOrDefault(r => r.Entry.IsHandler).Entry;
                // A private helper's parameter that every caller gives a task a wait on which is bounded (complete, bounded
                // in time, or cancellable).
                if (wait.Parameter >= 0 && composition.KnownCallers(function) is { } callers && callers.All(c => (c.Site.BoundedWaitArguments >> wait.Parameter & 1) == 1))
                    continue;
                // A wait helper others call (task.WaitAndUnwrapException()): the wait is its callers', reported where they
                // call it with a task a wait on which is not bounded.
                if (wait.Parameter >= 0 && wait.Guard is null && composition.KnownCallers(function) is null && ReportAtCallers(composition, function, wait, context))
                    continue;
                if (wait.TaskField is { } taskField && StartedAtConstruction(composition, taskField))
                    continue;
                if (InSharedLazyInitialization(composition, function, wait))
                    continue;
                var entry = wait.OnTask || wait.InAsyncCode ? reachedFrom[0].Entry : handler;
                if (wait.Guard is { } guard && entry is not null && !composition.CanRun(function, guard, entry))
                    entry = wait.OnTask || wait.InAsyncCode ? reachedFrom.FirstOrDefault(r => composition.CanRun(function, guard, r.Entry)).Entry : null;
                if (entry is null)
                    continue; // a synchronous thread waiting for its work or its peers: what it is for, or code its workers never run
                if (PeerSuppressions.At(wait.Syntax, function.Member, PeerSuppressions.BlockingWait))
                    continue;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingWaitWithoutTimeout, wait.Syntax.GetLocation(), wait.Wait, entry.Description));
            }
        }
    }

    /// <summary>
    /// A method the compilation calls only to initialize a field lazily (jellyfin's <c>_rootFolder ??= CreateRootFolder()</c>,
    /// <c>if (_index is null) _index = Load();</c>), and that no entry point runs itself: its waits run once per object, at
    /// its first use (for a singleton, normally at startup), not on every request. (Two threads that race the null test
    /// both wait, once each; under a double-checked lock, one.)
    /// </summary>
    private static bool RunsOnce(Composition composition, FunctionSummary function)
    {
        if (function.Enclosing is not null || composition.IsStarted(function.Symbol)
            || composition.ReachedFrom(function).Exists(r => SymbolEqualityComparer.Default.Equals(r.Entry.Target, function.Symbol)))
        {
            return false;
        }
        var calls = composition.CallersOf(function.Symbol);
        if (calls.Count == 0)
            return false;
        foreach (var (caller, site) in calls)
        {
            if (site.Escapes || site.HandedOut || !caller.Accesses.Exists(store => store.IsWrite && store.Syntax.Span.Contains(site.Syntax.Span)
                && LazyInitialization.IsLazy(store.Syntax, store.Target)))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The value factory of one constant key of a cache that requests share (Sonarr's, Radarr's, Lidarr's and Prowlarr's
    /// localization: <c>_cache.Get("localization", () =&gt; GetDictionary(…).GetAwaiter().GetResult())</c> in a singleton):
    /// it runs when that one entry is missing (at the first use, and after the cache is cleared or the entry expires), as
    /// a lazy initialization does (<see cref="RunsOnce"/>), not on every request. A factory for a key that varies (a user's
    /// id) runs on every miss, and one of a request's own cache (a scoped service's) on every request: both stay reported.
    /// </summary>
    private static bool FillsOneSharedEntry(Composition composition, FunctionSummary function) =>
        function.FillsConstantEntryOf is { } cache && SharedByRequests(composition, cache);

    /// <summary>
    /// A wait in the lazy initialization of a field of an object requests share, in the function that makes the store
    /// (ShokoServer's TMDB image server address: <c>if (_url is not null) return _url;</c> … <c>var config =
    /// GetConfiguration().Result; return _url = config.Images.SecureBaseUrl;</c>, double-checked under a lock;
    /// <c>_index ??= LoadAsync().Result</c>): it runs while the field is unset, at the first use (for a singleton, normally
    /// at startup), as a method called only for a lazy initialization does (<see cref="RunsOnce"/>). The same in a request's
    /// own object (a scoped service) runs on every request and stays reported; so does a wait after the store, in a branch
    /// that tests something else, or before a store some other method makes.
    /// </summary>
    private static bool InSharedLazyInitialization(Composition composition, FunctionSummary function, WaitSite wait)
    {
        foreach (var store in function.Accesses)
        {
            if (store.IsWrite && store.Target is IFieldSymbol field && LazyInitialization.IsLazy(store.Syntax, field)
                && (store.Syntax.Span.Contains(wait.Syntax.Span) || wait.Syntax.SpanStart < store.Syntax.SpanStart && LazyInitialization.WhileUnset(wait.Syntax, field.Name))
                && SharedByRequests(composition, field))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A task a shared object starts while it is made and keeps in a field (Blog.Core's scheduler service: <c>_scheduler =
    /// GetSchedulerAsync();</c> in the constructor of a singleton, <c>_scheduler.Result</c> in every method): every store
    /// to the field is made by a constructor of its class, or by a private method only those call, and the object is one
    /// that requests share (a static's, a singleton's: made once, at startup or at its first use). The wait then runs
    /// on a task that has run since the object was made, and blocks at most the first use, as a lazy initialization does
    /// (<see cref="RunsOnce"/>). A request's own object (a scoped or transient service) starting the task in its
    /// constructor makes every request wait for it: that stays reported.
    /// </summary>
    private static bool StartedAtConstruction(Composition composition, IFieldSymbol field)
    {
        if (!SharedByRequests(composition, field) || !composition.Accesses.TryGetValue(field, out var accesses))
            return false;
        bool stored = false;
        foreach (var (function, access) in accesses)
        {
            if (!access.IsWrite)
                continue;
            stored = true;
            if (!access.InitializesIn(function) && !OnlyConstructorsCall(composition, function, field.ContainingType))
                return false;
        }
        return stored;
    }

    /// <summary>
    /// Whether the object holding <paramref name="variable"/> (a field or property) is one requests share, made once: a
    /// static's, or one of a class the compilation shows shared (EXG001's evidence), not a request's own (a scoped
    /// service's, made for each request). What such an object does once, at its first use, does not happen per request.
    /// </summary>
    private static bool SharedByRequests(Composition composition, ISymbol variable) =>
        !composition.PerRequest(variable) && composition.SharedByEvidence(variable);

    /// <summary>Whether <paramref name="function"/> is a private helper that only constructors of <paramref name="type"/> call.</summary>
    private static bool OnlyConstructorsCall(Composition composition, FunctionSummary function, INamedTypeSymbol type) =>
        composition.KnownCallers(function) is { } callers
        && callers.TrueForAll(c => c.Caller.IsInitialization && SymbolEqualityComparer.Default.Equals(c.Caller.Member.ContainingType, type));

    /// <summary>
    /// Reports a helper's wait on its parameter at the calls of the helper that worker code makes with a task a wait on
    /// which is not bounded. Returns false when the compilation does not call the helper directly (a delegate, or only
    /// its users call it): the wait is then judged in the helper, as any other.
    /// </summary>
    private static bool ReportAtCallers(Composition composition, FunctionSummary helper, WaitSite wait, CompilationAnalysisContext context)
    {
        var calls = composition.CallersOf(helper.Symbol);
        if (calls.Count == 0 || calls.Any(c => c.Site.Escapes))
            return false;
        foreach (var (caller, site) in calls)
        {
            if ((site.BoundedWaitArguments >> wait.Parameter & 1) == 1
                || composition.ReachedInScope(caller, site.Syntax.SyntaxTree) is not { Count: > 0 } reachedFrom)
            {
                continue;
            }
            var entry = wait.OnTask || wait.InAsyncCode || caller.Symbol is IMethodSymbol { IsAsync: true }
                ? reachedFrom[0].Entry
                : reachedFrom.FirstOrDefault(r => r.Entry.IsHandler).Entry;
            if (entry is null || PeerSuppressions.At(site.Syntax, caller.Member, PeerSuppressions.BlockingWait))
                continue;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingWaitWithoutTimeout, site.Syntax.GetLocation(),
                $"{helper.Symbol.Name}(…)", entry.Description));
        }
        return true;
    }
}
