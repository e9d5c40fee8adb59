using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// EXG001 and EXG010 over the composed summaries: in worker code, a write of shared state that no lock guards — where
/// another thread can touch the same state at the same time — and a read, without the lock, of state that is written
/// under a lock (inconsistent locking); the access decides which of the two ids (<see cref="RuleFor"/>). "Guarded by a
/// lock" counts the locks every caller holds; "guarded by L" is inferred from the writes (reads under a lock prove
/// nothing); what a function does before it starts a worker is published to it by the start. Inferred reports only for
/// handlers' worker code, and for the rest where the project widens the rules to all code (<see cref="Composition.InScope"/>);
/// <c>[GuardedBy]</c> fields are checked always.
/// </summary>
internal static class SharedStateRule
{
    public static void Report(Composition composition, CompilationAnalysisContext context)
    {
        foreach (var pair in composition.Accesses)
        {
            var (target, accesses) = (pair.Key, pair.Value);
            // Source order (file, then position) once, for every choice below: where several places could decide, the first does.
            accesses.Sort((x, y) => string.CompareOrdinal(x.Access.Syntax.SyntaxTree.FilePath, y.Access.Syntax.SyntaxTree.FilePath) is var byPath and not 0
                ? byPath
                : x.Access.Syntax.SpanStart.CompareTo(y.Access.Syntax.SpanStart));
            if (composition.Intent.GuardedBy(target) is { } lockName)
            {
                ReportGuardedBy(composition, context, target, lockName, accesses);
                continue;
            }
            // A field no worker reaches: only a static, changed outside the lock of its other writes, is judged (OutsideItsLock).
            bool reached = accesses.Any(a => composition.ReachedFrom(a.Function).Count > 0);
            if (target is IPropertySymbol || !reached && target is not IFieldSymbol { IsStatic: true })
                continue;
            // IDictionary<K, V> _cache = new ConcurrentDictionary<K, V>(): what is done to the collection is thread-safe;
            // stores of the field itself are still judged.
            if (target is IFieldSymbol { Type.TypeKind: TypeKind.Interface } field && composition.HoldsThreadSafeCollection(field))
                accesses = accesses.Where(a => a.Access.Kind is not (AccessKind.Mutate or AccessKind.ReadCollection)).ToList();
            var guard = GuardingWrite(composition, accesses);
            if (guard is null && IsStatusFlag(target, accesses))
                continue;
            ReportWrites(composition, context, target, accesses, guard);
            if (reached)
                ReportReads(composition, context, target, accesses, guard);
        }
    }

    /// <summary>
    /// A status flag: a field of one machine word (a bool, an enum, an int, a reference) that is only ever set to constants
    /// (<c>_healthy = false;</c> here, <c>_healthy = true;</c> there), by functions that do not test it first. Such
    /// stores lose no update: each is whole, and the last one wins with a lock as without. A flag tested and then set
    /// (<c>if (!_started) { _started = true; … }</c>: two threads both start), one also updated from its own value
    /// (<c>_pending += n</c> elsewhere, which a reset to 0 can undo), and one a lock already guards stay reported.
    /// </summary>
    private static bool IsStatusFlag(ISymbol target, List<(FunctionSummary Function, Access Access)> accesses)
    {
        if (target is not IFieldSymbol { Type: var type } || !OneWord(type))
            return false;
        bool written = false;
        foreach (var (function, access) in accesses)
        {
            if (!access.IsWrite || access.InitializesIn(function))
                continue;
            if (!access.StoresConstant || function.Accesses.Any(a => a.InCondition && SymbolEqualityComparer.Default.Equals(a.Target, target)))
                return false;
            written = true;
        }
        return written;
    }

    /// <summary>
    /// A blind store: a plain store of one machine word (<c>_configuration = value;</c>, <c>_children = list;</c>) by a
    /// function that neither reads the field before it (check-then-act: <c>if (!_registered) { _registered = true; … }</c>)
    /// nor reads it back after it, itself or in a method of this object it calls next (per-request state kept in a shared
    /// object: <c>_user = Load(id); Process();</c>). Each such store is whole and the last one wins, with a lock as without;
    /// on real code those reports were a configuration object swapped in, an edit of a shared item, a list replaced, which
    /// their maintainers would not change (docs/analyzers-on-real-code.md, round 10). A store that other code makes under a
    /// lock is judged as inconsistent locking, not here.
    /// </summary>
    private static bool BlindStore(Composition composition, FunctionSummary function, Access store, ISymbol target) =>
        store.Kind == AccessKind.Write && target is IFieldSymbol { Type: var type } && OneWord(type)
        && !ReadsIn(function, store, target, after: null) && !ReadByLaterCall(composition, function, store, target);

    /// <summary>
    /// A plain store of a field no code decides on (<see cref="FieldDecisions"/>: nothing tests it, directly or through a
    /// getter), that the storing function does not read back after it, itself, in a method of this object it calls next
    /// (<c>_user = Load(id); Process();</c> stays reported) or through its caller (<see cref="ReadBackByCaller"/>): a
    /// timestamp, a value kept for display, a reference
    /// handed on whole. Two stores race only to decide which value readers see next, and no reader acts on which; a lock
    /// would change nothing a maintainer would fix (docs/analyzers-on-real-code.md, round 16). Only a private or static
    /// field, whose every read the summaries record (reads of another object's field are not recorded).
    /// </summary>
    private static bool UndecidedStore(Composition composition, FunctionSummary function, Access store, ISymbol target, ref bool? decided)
    {
        if (store.Kind != AccessKind.Write || target is not IFieldSymbol field || !field.IsStatic && field.DeclaredAccessibility != Accessibility.Private
            || ReadBack(composition, function, store, target))
        {
            return false;
        }
        decided ??= composition.Accesses.TryGetValue(target, out var accesses) && FieldDecisions.AnyDecides(composition, accesses);
        return !decided.Value;
    }

    /// <summary>
    /// A property setter's store of the value it is given (<c>set { if (_blocking != value) { _blocking = value; … } }</c>):
    /// a setting changed. Two setters race only over which value stays, the last as with a lock; a reader sees the old
    /// value or the new one; what the setter does after the store acts on a value its caller chose. Not where a caller
    /// reads the value back (<see cref="ReadBackByCaller"/>: <c>rules.Spread = spread; … rules.Apply(rate)</c> is
    /// per-request state kept in a shared object), nor a value wider than a word, nor a read-modify-write; a store that
    /// other code makes under a lock is judged as inconsistent locking, not here. On real code every such report judged
    /// was a setting an admin or a load changes (docs/analyzers-on-real-code.md, round 19). The setter may test the field
    /// for equality first (<c>if (_mode != value)</c>, <c>if (_recursion == Deny || value == Deny)</c>: whether anything
    /// changed, and what to reset), which the walk takes for a check-then-act of a number or an enum; an ordering test
    /// (<c>if (value &gt; _max) _max = value;</c>: keep the larger) loses an update and stays reported (round 21).
    /// </summary>
    private static bool SettingStore(Composition composition, FunctionSummary function, Access store, ISymbol target) =>
        (store.Kind == AccessKind.Write || store.Kind == AccessKind.ReadModifyWrite && OnlyTestedForEqualityBefore(function, store, target))
        && target is IFieldSymbol { Type: var type } && OneWord(type)
        && function.Symbol is IMethodSymbol { MethodKind: MethodKind.PropertySet }
        && store.Syntax is AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression, Right: IdentifierNameSyntax { Identifier.ValueText: "value" } }
        && !ReadBackByCaller(composition, function, target);

    /// <summary>Whether every read of <paramref name="target"/> in <paramref name="function"/> before <paramref name="store"/> is an operand of <c>==</c> or <c>!=</c>.</summary>
    private static bool OnlyTestedForEqualityBefore(FunctionSummary function, Access store, ISymbol target)
    {
        foreach (var read in function.Accesses)
        {
            if (read.Kind != AccessKind.Read || read.Syntax.SpanStart >= store.Syntax.SpanStart || !SymbolEqualityComparer.Default.Equals(read.Target, target))
                continue;
            SyntaxNode operand = read.Syntax;
            while (operand.Parent is MemberAccessExpressionSyntax { Name: var name } && name == operand || operand.Parent is ParenthesizedExpressionSyntax)
                operand = operand.Parent;
            if (operand.Parent is not BinaryExpressionSyntax { RawKind: (int)SyntaxKind.EqualsExpression or (int)SyntaxKind.NotEqualsExpression })
                return false;
        }
        return true;
    }

    /// <summary>
    /// A store of the clock's reading (<c>_lastSeen = DateTime.UtcNow;</c>; a throttle's <c>if (now - _last &lt; period)
    /// return; _last = now;</c>) that the storing function does not read back after it, itself, in a method of this object
    /// it calls next or through its caller. Racing stores all store "now", a few ticks apart: whichever wins, readers see a
    /// time the object was last touched, and a test of it (<c>LastSeen != default</c>, an expiry, a throttle) decides as it
    /// would have with a lock, up to that skew; a throttle's race runs the throttled work twice. A reading the function
    /// goes on to use (<c>_changedOn = DateTime.UtcNow; _until = _changedOn.AddSeconds(ttl);</c>) is part of a larger
    /// update and stays reported, as does a store other code makes under a lock, and one to a nullable field (a reader can
    /// see the value of one store with the "has a value" of another, which a store of null makes wrong). On real code
    /// every such report judged was false (docs/analyzers-on-real-code.md, round 21). An eight-byte reading (a
    /// <c>DateTime</c>, a <c>long</c>) can tear in a 32-bit process; no judged report was about that.
    /// </summary>
    private static bool ClockStore(Composition composition, FunctionSummary function, Access store, ISymbol target) =>
        store.StoresClock && target is IFieldSymbol { Type.OriginalDefinition.SpecialType: not SpecialType.System_Nullable_T }
        && !ReadBack(composition, function, store, target);

    /// <summary>
    /// Whether the value <paramref name="store"/> stores is read back after it: by the storing function itself, by a
    /// method of this object it calls next, or through its caller (per-request state kept in a shared object).
    /// </summary>
    private static bool ReadBack(Composition composition, FunctionSummary function, Access store, ISymbol target) =>
        ReadsIn(function, store, target, after: store) || ReadByLaterCall(composition, function, store, target) || ReadBackByCaller(composition, function, target);

    /// <summary>
    /// Whether <paramref name="function"/> reads <paramref name="target"/> other than at <paramref name="store"/>; with
    /// <paramref name="after"/>, only where the read can run after that store: later in the code, or in a loop around it.
    /// </summary>
    private static bool ReadsIn(FunctionSummary function, Access? store, ISymbol target, Access? after)
    {
        foreach (var access in function.Accesses)
        {
            if (ReferenceEquals(access, store) || access.Kind == AccessKind.Write || !SymbolEqualityComparer.Default.Equals(access.Target, target))
                continue;
            if (after is null || access.Syntax.SpanStart >= after.Syntax.Span.End || InLoopAround(access.Syntax, after.Syntax))
                return true;
        }
        return false;
    }

    /// <summary>Whether a loop of the function holds both nodes (the first runs again after the second).</summary>
    private static bool InLoopAround(SyntaxNode read, SyntaxNode store)
    {
        for (var node = store.Parent; node is not null and not MemberDeclarationSyntax and not AnonymousFunctionExpressionSyntax; node = node.Parent)
        {
            if (node is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax && node.Span.Contains(read.Span))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether a caller of the storing setter or method goes on to call, after it and on the same object, a member that
    /// reads the field (one level: <c>rules.Spread = spread; … rules.Apply(rate)</c>, where <c>Apply</c> reads the
    /// spread): the value stored is read back. Not a call in another branch (an executor's dispatch of another handler).
    /// </summary>
    private static bool ReadBackByCaller(Composition composition, FunctionSummary function, ISymbol target)
    {
        if (function.Enclosing is not null)
            return false;
        foreach (var (caller, site) in composition.CallersOf(function.Symbol))
        {
            var receiver = ReceiverOf(site.Syntax);
            foreach (var call in caller.Calls)
            {
                if (call.Syntax.SpanStart >= site.Syntax.Span.End && !OtherBranch(site.Syntax, call.Syntax)
                    && SameReceiver(receiver, ReceiverOf(call.Syntax))
                    && composition.Functions.TryGetValue(call.Callee, out var callee) && ReadsIn(callee, null, target, after: null))
                {
                    return true;
                }
            }
        }
        return false;

        // The object a call or property reference is made on, as written; null where implicit (this).
        static ExpressionSyntax? ReceiverOf(SyntaxNode site) => site switch
        {
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Expression,
            MemberAccessExpressionSyntax access => access.Expression,
            _ => null,
        };

        static bool SameReceiver(ExpressionSyntax? first, ExpressionSyntax? second) =>
            first is null || first is ThisExpressionSyntax ? second is null or ThisExpressionSyntax : second is not null && SyntaxFactory.AreEquivalent(first, second);
    }

    /// <summary>Whether a method of this object that the function calls after <paramref name="store"/> reads the field.</summary>
    private static bool ReadByLaterCall(Composition composition, FunctionSummary function, Access store, ISymbol target)
    {
        foreach (var call in function.Calls)
        {
            if (call.Receiver == Receiver.This && call.Syntax.SpanStart >= store.Syntax.Span.End
                && composition.Functions.TryGetValue(call.Callee, out var callee) && ReadsIn(callee, null, target, after: null))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A type whose values are read and written whole, in one step (ECMA-335 I.12.6.6): a reference, or a primitive or an
    /// enum of at most four bytes. A type that does not bind (a package missing, code half-typed) is taken for a class,
    /// also where a <c>?</c> made it a nullable struct to the compiler.
    /// </summary>
    private static bool OneWord(ITypeSymbol type) => type.IsReferenceType || type.TypeKind is TypeKind.Enum or TypeKind.Error
        || type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T, TypeArguments: var arguments } && arguments[0].TypeKind == TypeKind.Error
        || type.SpecialType is SpecialType.System_Boolean or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int16
            or SpecialType.System_UInt16 or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Char;

    /// <summary>
    /// The first write (in source order) made under a lock, outside initialization and not through a parameter object:
    /// the evidence that a lock guards the variable. A lock taken only where a setting says so is not
    /// (<see cref="Composition.OptionalLockSetting"/>), nor another field's lock taken for that field (<see cref="IncidentalLock"/>),
    /// nor one taken to initialize the field once (<see cref="LazyInitialization.IsLazy"/>: double-checked loading).
    /// </summary>
    private static (FunctionSummary Function, Access Access, HeldLocks Held)? GuardingWrite(Composition composition, List<(FunctionSummary Function, Access Access)> accesses)
    {
        foreach (var (function, access) in accesses)
        {
            if (access.IsWrite && !access.InitializesIn(function) && !access.ThroughParameter && !LazyInitialization.IsLazy(access.Syntax, access.Target)
                && composition.Evidence(composition.Held(function, access.Held)) is { } held
                && !IncidentalLock.For(access.Syntax, access.Target, held))
            {
                return (function, access, held);
            }
        }
        return null;
    }

    /// <summary>
    /// A write of the variable in <paramref name="function"/> itself under a lock that is only taken where a setting says
    /// so: no evidence that the object is shared elsewhere, but where the same code locks for one change and not for the
    /// next, the unlocked one is wrong whenever the setting is on. Not when the unlocked <paramref name="access"/> is
    /// itself under a test of that setting (<c>if (!_threadSafe) _handle = a; else lock (_sync) _handle = b;</c>): that
    /// is the branch for the unshared mode.
    /// </summary>
    private static (FunctionSummary Function, Access Access, HeldLocks Held)? OptionalGuardHere(Composition composition, FunctionSummary function, Access access)
    {
        foreach (var locked in function.Accesses)
        {
            if (!locked.IsWrite || locked.Held is not { } held || !SymbolEqualityComparer.Default.Equals(locked.Target, access.Target)
                || IncidentalLock.For(locked.Syntax, locked.Target, held))
            {
                continue;
            }
            bool branchedOnSetting = false;
            for (var current = held; current is not null && !branchedOnSetting; current = current.Next)
                branchedOnSetting = composition.OptionalLockSetting(current.Lock) is { } setting && UnderTestOf(access.Syntax, setting.Name);
            if (!branchedOnSetting)
                return (function, locked, held);
        }
        return null;
    }

    /// <summary>Whether an <c>if</c> around <paramref name="syntax"/> (in its member) tests the field named <paramref name="flag"/>.</summary>
    private static bool UnderTestOf(SyntaxNode syntax, string flag)
    {
        for (var node = syntax.Parent; node is not null and not MemberDeclarationSyntax; node = node.Parent)
        {
            if (node is IfStatementSyntax { Condition: var condition } && Named(condition) == flag)
                return true;
        }
        return false;

        static string? Named(ExpressionSyntax expression) => expression switch
        {
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not => Named(not.Operand),
            ParenthesizedExpressionSyntax parenthesized => Named(parenthesized.Expression),
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var name } => name.Identifier.ValueText,
            _ => null,
        };
    }

    /// <summary>
    /// A lock the variable is used under (read or written) in at least two functions: the evidence for "guarded by L" when
    /// no write is under a lock yet (the unlocked write being the defect). One function reading it inside some lock is not
    /// evidence: that lock may be there for something else; nor is a function that initializes it lazily under the lock
    /// (the double check reads it there too).
    /// </summary>
    private static HeldLocks? ConsistentLock(Composition composition, List<(FunctionSummary Function, Access Access)> accesses)
    {
        HashSet<FunctionSummary>? loadsLazily = null;
        foreach (var (function, access) in accesses)
        {
            if (access.IsWrite && access.Held is not null && LazyInitialization.IsLazy(access.Syntax, access.Target))
                (loadsLazily ??= new HashSet<FunctionSummary>()).Add(function);
        }
        Dictionary<ISymbol, ISymbol>? firstFunction = null;
        foreach (var (function, access) in accesses)
        {
            if (access.InitializesIn(function) || access.ThroughParameter || loadsLazily is not null && loadsLazily.Contains(function))
                continue;
            for (var held = composition.Evidence(composition.Held(function, access.Held)); held is not null; held = held.Next)
            {
                firstFunction ??= new Dictionary<ISymbol, ISymbol>(SymbolEqualityComparer.Default);
                if (!firstFunction.TryGetValue(held.Lock, out var seenIn))
                    firstFunction[held.Lock] = function.Symbol;
                else if (!SymbolEqualityComparer.Default.Equals(seenIn, function.Symbol))
                    return new HeldLocks(held.Lock, held.Excludes, null);
            }
        }
        return null;
    }

    private static void ReportWrites(Composition composition, CompilationAnalysisContext context, ISymbol target,
        List<(FunctionSummary Function, Access Access)> accesses, (FunctionSummary Function, Access Access, HeldLocks Held)? guard)
    {
        // The same for every write of the field: decided once, when a write needs it.
        (bool Decided, HeldLocks? Lock) consistent = default;
        HeldLocks? Consistent()
        {
            if (!consistent.Decided)
                consistent = (true, ConsistentLock(composition, accesses));
            return consistent.Lock;
        }

        bool? decided = null; // whether any code tests the field: decided once, when a store needs it
        foreach (var (function, access) in accesses)
        {
            if (!access.IsWrite || access.InitializesIn(function) || composition.Held(function, access.Held) is not null
                || composition.Intent.IsConfined(function, target))
            {
                continue;
            }
            if (target is IFieldSymbol { IsVolatile: true } && access.Kind == AccessKind.Write)
                continue; // a plain store to a volatile field is published safely; x = x + 1 still races
            if (Worker(composition, function, access) is not { } reached)
            {
                if (guard is not null && OutsideItsLock(composition, function, access, target))
                    ReportWrite(context, access, target, $"'{function.Member.Name}'", guard.Value.Held, inconsistent: true);
                continue;
            }
            var guarding = guard ?? OptionalGuardHere(composition, function, access);
            bool inconsistent = guarding is not null || Consistent() is not null;
            if (!inconsistent && (MemoCache.IsFill(access.Syntax, target) || LazyInitialization.IsIdempotent(access.Syntax, target)
                || BlindStore(composition, function, access, target) || UndecidedStore(composition, function, access, target, ref decided)
                || SettingStore(composition, function, access, target) || ClockStore(composition, function, access, target)))
            {
                continue;
            }
            bool isStatic = target is IFieldSymbol { IsStatic: true };
            bool readModifyWrite = access.Kind is AccessKind.ReadModifyWrite or AccessKind.Mutate;
            // Statics: a read-modify-write in any worker code (every thread shares them); a plain store only on a worker
            // that runs several copies at once. Fields of objects: on such a worker, or where another thread touches the
            // field too and either its type shows it is meant for threads (it takes a lock or starts workers) or the
            // object is one a handler's run made and published for other requests (which is what they race through).
            bool severalCopies = SeveralCopies(reached, access);
            bool madeByTheRun = reached.Entry.Concurrent && !severalCopies;
            bool shared = inconsistent
                || severalCopies
                || isStatic && readModifyWrite
                || !isStatic && readModifyWrite && target is IFieldSymbol
                    && (madeByTheRun || composition.ShowsConcurrencyIntent(target.ContainingType))
                    && RacingAccess(composition, function, access, accesses, writesOnly: access.Kind != AccessKind.Mutate);
            if (!shared)
                continue;
            ReportWrite(context, access, target, reached.Entry.Description, guarding?.Held ?? Consistent(), inconsistent);
        }
    }

    /// <summary>
    /// EXG001 or EXG010 (<see cref="RuleFor"/>) at a write, made in <paramref name="where"/>, with what the code fix needs:
    /// the lock that guards the field elsewhere (<paramref name="guardingLock"/>), or else the <c>Interlocked</c> call that
    /// would make the change atomic.
    /// </summary>
    private static void ReportWrite(CompilationAnalysisContext context, Access access, ISymbol target, string where, HeldLocks? guardingLock, bool inconsistent)
    {
        var properties = ImmutableDictionary<string, string?>.Empty;
        // Interlocked does not exclude a lock holder's read-modify-write: where a lock guards the field elsewhere, the fix takes that lock.
        if (access.Interlocked is not null && !inconsistent)
            properties = properties.Add(DiagnosticDescriptors.InterlockedProperty, access.Interlocked);
        if (guardingLock is not null && OwnLock(guardingLock, target) is { } lockField)
            properties = properties.Add(DiagnosticDescriptors.LockProperty, lockField.Name);
        context.ReportDiagnostic(Diagnostic.Create(RuleFor(access), access.Syntax.GetLocation(), properties,
            Kind(target), Name(target), "modified", where, inconsistent ? "; elsewhere it is modified under a lock (inconsistent locking)" : ""));
    }

    /// <summary>
    /// EXG001 for a change of a collection that is not thread-safe and for one statement that reads and writes the field
    /// (<c>x++</c>, <c>x += n</c>, <c>x ??= v</c>, <c>x = x.SetItem(k, v)</c>): two threads running it at once break the
    /// collection or lose an update, wherever it runs. EXG010 (off by default) for a store of a whole value, also one the
    /// function checked first, and a read: whether that races depends on what other code does around it, and on real code
    /// 38 % of those reports were worth fixing, against 82 % of EXG001's (docs/analyzers-on-real-code.md, round 27).
    /// </summary>
    private static DiagnosticDescriptor RuleFor(Access access) =>
        access.Kind is AccessKind.Mutate || access.Kind is AccessKind.ReadModifyWrite && !access.StoredAfterCheck
            ? DiagnosticDescriptors.UnguardedSharedState
            : DiagnosticDescriptors.UnsynchronizedSharedValue;

    /// <summary>
    /// A change without a lock, in code no worker reaches, of a static field whose other writes a lock guards, where the
    /// project widens the rules to all code: every thread shares a static, and the lock around its writes says that the
    /// code runs on several (RacerD's evidence of intent; "guarded by" inferred from the writes, as Clang's thread-safety
    /// analysis checks a declared one). log4net's date formatter cleared its static cache outside the lock that guarded
    /// its fills; the application's logging threads, not the library's, call it (defect 06 of
    /// docs/analyzers-on-real-code.md). Only in a method or accessor: a lambda or local function runs when whoever holds it
    /// calls it, and where no worker reaches it nothing shows when (Foundatio's cancellation callback, registered under the
    /// lock after the store it guards, clears the field later, once: no race). The caller has already set aside
    /// initialization, a write under a lock, a confined field and a plain store to a volatile one.
    /// </summary>
    private static bool OutsideItsLock(Composition composition, FunctionSummary function, Access access, ISymbol target) =>
        target is IFieldSymbol { IsStatic: true }
        && function.Symbol is IMethodSymbol { MethodKind: not (MethodKind.AnonymousFunction or MethodKind.LocalFunction) }
        && composition.AnalyzesAllCode(access.Syntax.SyntaxTree) && composition.ReachedFrom(function).Count == 0;

    /// <summary>
    /// A read without a lock in worker code of a field written under a lock, when a write can run at the same time: of a
    /// collection, or, where several copies of the code run at once, a check and a use of a value that can change in
    /// between; once per field and function. Not when the same function goes on to check it again under the lock
    /// (double-checked flags, a provisional value recomputed under the lock) or initializes it under the lock (lazy initialization).
    /// </summary>
    private static void ReportReads(Composition composition, CompilationAnalysisContext context, ISymbol target,
        List<(FunctionSummary Function, Access Access)> accesses, (FunctionSummary Function, Access Access, HeldLocks Held)? guard)
    {
        if (target is not IFieldSymbol field || field.IsVolatile)
            return;
        var reported = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var (function, access) in accesses)
        {
            if (access.Kind is not (AccessKind.Read or AccessKind.ReadCollection) || access.InitializesIn(function) || reported.Contains(function.Symbol)
                || composition.Held(function, access.Held) is not null || composition.Intent.IsConfined(function, target))
            {
                continue;
            }
            if ((guard ?? OptionalGuardHere(composition, function, access)) is not { } guarding || Worker(composition, function, access) is not { } reached)
                continue;
            bool racing = field.IsStatic || SeveralCopies(reached, access) || RacingAccess(composition, function, access, accesses, writesOnly: true);
            // A plain read only where several copies of the same code run at once (handlers, parallel bodies): one thread
            // polling a value others write under a lock reads an older value, never a broken one, and on real code next to
            // none of those reports were worth fixing (docs/analyzers-on-real-code.md).
            if (!racing || CheckedAgainUnderLock(function, access, target)
                || access.Kind == AccessKind.Read && !(SeveralCopies(reached, access) && ReadAgain(function, access, target))
                || access.Kind == AccessKind.ReadCollection && ReplacedWhole(accesses))
            {
                continue;
            }
            reported.Add(function.Symbol);
            var properties = OwnLock(guarding.Held, target) is { } lockField
                ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.LockProperty, lockField.Name)
                : ImmutableDictionary<string, string?>.Empty;
            context.ReportDiagnostic(Diagnostic.Create(RuleFor(access), access.Syntax.GetLocation(), properties,
                Kind(target), Name(target), "read", reached.Entry.Description, "; elsewhere it is accessed under a lock (inconsistent locking)"));
        }
    }

    /// <summary>
    /// A collection the code never changes in place through the field, outside construction: every store replaces it
    /// whole (<c>_interfaces = interfaces.ToList();</c> under a lock), copy-on-write. A read without the lock sees one
    /// complete collection, older or newer, never one being changed. (An alias changed in place, <c>var list = _items;
    /// list.Add(x);</c>, is not seen.)
    /// </summary>
    private static bool ReplacedWhole(List<(FunctionSummary Function, Access Access)> accesses)
    {
        foreach (var (function, access) in accesses)
        {
            if (access.Kind == AccessKind.Mutate && !access.InitializesIn(function))
                return false;
        }
        return true;
    }

    /// <summary>
    /// <c>[GuardedBy("_sync")]</c>: every read or write, in any code, outside initialization, without the named lock (held
    /// here or by every caller); once per field and function. Atomic accesses (<c>Interlocked</c>, <c>Volatile</c>) are
    /// left alone: they are a deliberate lock-free path.
    /// </summary>
    private static void ReportGuardedBy(Composition composition, CompilationAnalysisContext context, ISymbol target, string lockName,
        List<(FunctionSummary Function, Access Access)> accesses)
    {
        var reported = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var (function, access) in accesses)
        {
            if (access.Kind == AccessKind.Atomic || access.InitializesIn(function) || reported.Contains(function.Symbol)
                || Holds(composition.Held(function, access.Held), lockName, target) || composition.Intent.IsConfined(function, target))
            {
                continue;
            }
            reported.Add(function.Symbol);
            string place = composition.ReachedFrom(function) is { Count: > 0 } reached ? reached[0].Entry.Description : $"'{function.Member.Name}'";
            var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.LockProperty, lockName);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnguardedSharedState, access.Syntax.GetLocation(), properties,
                Kind(target), Name(target), access.IsWrite ? "modified" : "read", place, $"; it is declared [GuardedBy(\"{lockName}\")]"));
        }
    }

    private static bool Holds(HeldLocks? held, string lockName, ISymbol target)
    {
        for (var current = held; current is not null; current = current.Next)
        {
            if (current.Lock.Name == lockName && current.Lock is IFieldSymbol or IPropertySymbol
                && SymbolEqualityComparer.Default.Equals(current.Lock.ContainingType?.OriginalDefinition, target.ContainingType?.OriginalDefinition))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The first entry point (in source order) whose worker code includes the access's function without a lock held on
    /// the way, where the variable is
    /// shared: statics always, and fields of an object this one shares; a field of <c>this</c> where <c>this</c> is an
    /// object other threads have; a captured variable in a lambda that is itself started. For handlers, not a field of a
    /// scoped service (<see cref="Composition.PerRequest"/>). Only entry points the rules report on in the
    /// access's file (<see cref="Composition.InScope"/>).
    /// </summary>
    private static Reached? Worker(Composition composition, FunctionSummary function, Access access)
    {
        var held = composition.Held(function, access.Held);
        bool? perRequest = null, sharedByEvidence = null;
        Reached? madeOnPath = null; // a path whose this it made itself: chosen only where no other path reaches the field
        foreach (var reached in composition.ReachedFrom(function))
        {
            if (held is not null || reached.PathHeld is not null)
                continue; // guarded on this path: by the function, its callers, or a call on the way from the entry
            if (!composition.InScope(access.Syntax.SyntaxTree, reached.Entry))
                continue;
            // A field of a scoped service: each request has an object of its own, so handlers running at once do not
            // share it (a thread the request starts itself does).
            perRequest ??= access.Target is IFieldSymbol or IPropertySymbol && access.Owner is Receiver.This or Receiver.Shared
                && composition.PerRequest(access.Target);
            if (reached.Entry.IsHandler && perRequest.Value)
                continue;
            // A handler's code: only an object the compilation shows can be shared (see SharedTypes), not one that the
            // inference merely failed to prove the request's own.
            sharedByEvidence ??= access.Target is not (IFieldSymbol or IPropertySymbol) || composition.SharedByEvidence(access.Target);
            if (reached.Entry.IsHandler && (!sharedByEvidence.Value || !ShownShared(composition, function, access, reached)))
                continue;
            switch (access.Target)
            {
                case IFieldSymbol or IPropertySymbol when access.Owner == Receiver.Shared && reached.Owns(access.Parameter):
                    break; // a field of an object the caller handed in as its own (Stage(data) => data.Ids.Add(id))
                case IFieldSymbol or IPropertySymbol when access.Owner is Receiver.Static or Receiver.Shared:
                    return reached;
                case IFieldSymbol or IPropertySymbol when reached.ThisShared && reached.ThisMadeOnPath:
                    madeOnPath ??= reached;
                    break;
                case IFieldSymbol or IPropertySymbol when reached.ThisShared:
                    return reached;
                case ILocalSymbol or IParameterSymbol when SymbolEqualityComparer.Default.Equals(reached.Entry.Target, function.Symbol):
                    return reached;
            }
        }
        return madeOnPath;
    }

    /// <summary>
    /// Whether the path shows the object whose field is accessed to be one other requests have (<see cref="Evidence"/>):
    /// a static field always; a field of <c>this</c>, of a parameter or of another object where the path shows that object
    /// shared. A handler's code touches many objects the inference cannot prove the request's own (an entity a repository
    /// loads, a builder a factory returns); reporting those was most of EXG001's false reports on web applications
    /// (docs/analyzers-on-real-code.md, round 17). A class that takes a lock itself (RacerD's evidence of intent) shows
    /// that some object of it is shared, not that the one the path reached is. For <c>this</c> it counts only where the
    /// path made the object and handed it on (a session's worker a request makes, registers and runs: the lock is for
    /// the requests it was handed to); elsewhere the path decides (round 24: the reports this no longer makes, a per-run
    /// options object, zones, a bot's farmer, were 16 false and 2 unsure of 18 judged). For a field of another
    /// object the code holds (<c>_service.Pending[id] = …</c> in a helper a singleton made and handed itself), whose
    /// origin the path follows less far, the lock still counts.
    /// </summary>
    private static bool ShownShared(Composition composition, FunctionSummary function, Access access, Reached reached) => access.Target is not (IFieldSymbol or IPropertySymbol)
        || access.Owner switch
        {
            Receiver.This => reached.Evidence.ThisShared || reached.ThisMadeOnPath && composition.ShowsConcurrencyIntent(access.Target.ContainingType),
            Receiver.Shared when composition.ShowsConcurrencyIntent(access.Target.ContainingType) => true,
            Receiver.Shared when access.Parameter >= 0 => reached.Evidence.Shares(access.Parameter),
            Receiver.Shared => access.Root is { } root && composition.Shows(function, root, reached.Evidence),
            _ => true,
        };

    /// <summary>
    /// Whether several copies of the code run at once on the object <paramref name="access"/> touches: on a worker that runs
    /// several at once (handlers, parallel bodies), unless the field is of an object the path made itself (an HLS session's
    /// worker that one request makes, publishes and runs: each request runs its own; ErsatzTV, round 22). Other code that
    /// reaches that object through where it was published is still judged (<see cref="RacingAccess"/>).
    /// </summary>
    private static bool SeveralCopies(Reached reached, Access access) =>
        reached.Entry.Concurrent && !(access.Owner == Receiver.This && reached.ThisMadeOnPath);

    /// <summary>
    /// Another access to the variable (a write, when <paramref name="writesOnly"/>) that can run at the same time as
    /// <paramref name="access"/>: on another thread (client code of another function, or another entry point's worker
    /// code), not in initialization, not before the start of the worker it would race, and not under a lock.
    /// </summary>
    private static bool RacingAccess(Composition composition, FunctionSummary function, Access access,
        List<(FunctionSummary Function, Access Access)> accesses, bool writesOnly)
    {
        var entries = composition.ReachedFrom(function);
        foreach (var (other, otherAccess) in accesses)
        {
            if (ReferenceEquals(otherAccess, access) || otherAccess.InitializesIn(other) || writesOnly && !otherAccess.IsWrite
                || otherAccess.Kind == AccessKind.Atomic && access.Kind != AccessKind.Mutate
                || HeldLocks.Share(composition.Held(function, access.Held), composition.Held(other, otherAccess.Held)))
            {
                continue;
            }
            bool otherThread = false;
            // Client code racing the worker: another method of the public API. The same method reached both ways (public
            // and called by the worker) is most often an object's own loop that its owner also drives; without a second
            // method there is no evidence that two threads run it at once. Nor is a public method that the run of an object
            // the path made calls itself (an HLS session's Run, then its Transcode): that is the run, not a client.
            if (composition.IsClient(other) && !ReferenceEquals(other, function) && !entries.All(e => Composition.BeforeStart(other, otherAccess, e.Entry))
                && !InOneRunOfAnObjectMadeOnPath(composition, entries, other, access))
            {
                otherThread = true;
            }
            foreach (var reached in composition.ReachedFrom(other))
            {
                if (otherThread)
                    break;
                otherThread = !entries.Any(e => ReferenceEquals(e.Entry, reached.Entry));
            }
            if (otherThread)
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="access"/>, of a field of an object its path made itself, and the code of <paramref name="other"/>
    /// both run in that object's run from the same entry point (<see cref="Reached.ThisMadeOnPath"/>).
    /// </summary>
    private static bool InOneRunOfAnObjectMadeOnPath(Composition composition, List<Reached> entries, FunctionSummary other, Access access) =>
        access.Owner == Receiver.This
        && composition.ReachedFrom(other).Exists(r => r.ThisMadeOnPath && entries.Exists(e => e.ThisMadeOnPath && ReferenceEquals(e.Entry, r.Entry)));

    /// <summary>
    /// A plain read of a value or a reference is one atomic read: alone it sees an older value, never a broken one (a
    /// collection read is different: it walks state a writer may be changing). It is a defect when what the function does
    /// next relies on the value still holding: it reads the field again without the lock (<c>if (_conn != null)
    /// _conn.Send(x);</c>), or it goes on to take a lock and act on the decision there without checking again
    /// (<c>if (_closed) return; lock (_sync) _pending.Add(x);</c>: a message added after Close). A bool tested again is
    /// not relied on: each test decides afresh (ArchiSteamFarm's <c>if (!Initialized) { for (…; !Initialized …; …) await
    /// Task.Delay(…); if (!Initialized) return …; }</c>, a wait for a flag another thread sets under its lock).
    /// </summary>
    private static bool ReadAgain(FunctionSummary function, Access read, ISymbol target)
    {
        foreach (var take in function.Takes)
        {
            if (read.InCondition && take.Syntax.SpanStart > read.Syntax.SpanStart)
                return true;
        }
        bool retested = read.InCondition && target is IFieldSymbol { Type.SpecialType: SpecialType.System_Boolean };
        foreach (var access in function.Accesses)
        {
            if (!ReferenceEquals(access, read) && access.Kind == AccessKind.Read && access.Held is null && SymbolEqualityComparer.Default.Equals(access.Target, target)
                && !OtherBranch(access.Syntax, read.Syntax) && !(retested && access.InCondition))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether the two nodes are in different branches of one choice (an <c>if</c> and its <c>else</c>, the arms of
    /// <c>?:</c>, of a <c>switch</c>): one run takes one of them, so it reads the field once (jellyfin's network manager reads
    /// its published URLs in the internal branch or in the external one).
    /// </summary>
    private static bool OtherBranch(SyntaxNode first, SyntaxNode second)
    {
        var common = first.Ancestors().FirstOrDefault(ancestor => ancestor.Span.Contains(second.Span));
        return common switch
        {
            IfStatementSyntax @if => @if.Else is { } otherwise
                && (@if.Statement.Span.Contains(first.Span) && otherwise.Span.Contains(second.Span) || @if.Statement.Span.Contains(second.Span) && otherwise.Span.Contains(first.Span)),
            ConditionalExpressionSyntax conditional => !conditional.Condition.Span.Contains(first.Span) && !conditional.Condition.Span.Contains(second.Span),
            SwitchStatementSyntax or SwitchExpressionSyntax => Arm(first, common) is { } one && Arm(second, common) is { } other && one != other,
            _ => false,
        };

        static SyntaxNode? Arm(SyntaxNode node, SyntaxNode choice)
        {
            for (var current = node; current.Parent is { } parent; current = parent)
            {
                if (parent == choice)
                    return current is SwitchSectionSyntax or SwitchExpressionArmSyntax ? current : null;
            }
            return null;
        }
    }

    /// <summary>
    /// The unlocked read is only a fast path: the same function reads the variable again, later, under a lock (a
    /// double-checked flag, a provisional value recomputed under the lock); or, for a reference, the function is a
    /// double-checked lazy initialization (a check outside the lock, again inside), whose other reads see the
    /// published object (.NET publishes object references safely).
    /// </summary>
    private static bool CheckedAgainUnderLock(FunctionSummary function, Access read, ISymbol target)
    {
        bool reference = target is IFieldSymbol { Type.IsValueType: false };
        foreach (var locked in function.Accesses)
        {
            if (locked.Held is null || locked.Kind is not (AccessKind.Read or AccessKind.ReadCollection or AccessKind.ReadModifyWrite)
                || !SymbolEqualityComparer.Default.Equals(locked.Target, target))
            {
                continue;
            }
            if (locked.Syntax.SpanStart > read.Syntax.SpanStart)
                return true;
            if (reference && function.Accesses.Any(a => a.Held is null && a.Kind == AccessKind.Read && a.Syntax.SpanStart < locked.Syntax.SpanStart
                && SymbolEqualityComparer.Default.Equals(a.Target, target)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A lock field of the variable's own type, for the code fix to take.</summary>
    private static IFieldSymbol? OwnLock(HeldLocks held, ISymbol target)
    {
        var type = target is ILocalSymbol or IParameterSymbol ? null : target.ContainingType;
        for (var current = held; current is not null; current = current.Next)
        {
            if (current.Lock is IFieldSymbol field && (type is null || SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, type.OriginalDefinition)))
                return field;
        }
        return null;
    }

    private static string Kind(ISymbol target) => target switch
    {
        IFieldSymbol { AssociatedSymbol: IPropertySymbol { IsStatic: true } } => "Backing field of static property",
        IFieldSymbol { AssociatedSymbol: IPropertySymbol } => "Backing field of property",
        IFieldSymbol { IsStatic: true } => "Static field",
        IFieldSymbol => "Field",
        _ => "Captured variable",
    };

    /// <summary>
    /// The name the message gives: a field's or variable's own, a property's for its backing field (<c>field ??= Load()</c>
    /// in a C# 14 accessor stores to <c>&lt;Folder&gt;k__BackingField</c>, a name nobody wrote).
    /// </summary>
    private static string Name(ISymbol target) => target is IFieldSymbol { AssociatedSymbol: IPropertySymbol property } ? property.Name : target.Name;
}
