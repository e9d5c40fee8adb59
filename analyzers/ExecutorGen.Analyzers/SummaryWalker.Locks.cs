using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>The lock shapes the walk recognizes: what a statement or a <c>using</c> takes or releases, and which lock it names.</summary>
internal sealed partial class SummaryWalker
{
    /// <summary>A statement that takes a lock and leaves it held: <c>Monitor.Enter(x)</c>, <c>await sem.WaitAsync()</c>, <c>using var s = x.EnterScope();</c>.</summary>
    private ISymbol? AcquiredBy(IOperation statement, out bool excludes, out SyntaxNode? syntax)
    {
        excludes = false;
        syntax = null;
        var expression = statement switch
        {
            IExpressionStatementOperation expressionStatement => expressionStatement.Operation,
            IUsingDeclarationOperation usingDeclaration => usingDeclaration.DeclarationGroup,
            _ => null,
        };
        if (expression is IVariableDeclarationGroupOperation group)
        {
            foreach (var declaration in group.Declarations)
            {
                foreach (var declarator in declaration.Declarators)
                {
                    if (declarator.Initializer?.Value is { } value && Operations.WithoutConversions(value) is IInvocationOperation scope
                        && Acquired(scope, out excludes, out syntax) is { } id)
                    {
                        return id;
                    }
                }
            }
            return ScopeLockIn(group, out excludes, out syntax); // using var held = await _mutex.LockAsync();
        }
        // _gate.Wait(), await _gate.WaitAsync().ConfigureAwait(false)
        if (expression is not null && Operations.WithoutAwait(expression) is IInvocationOperation invocation && Acquired(invocation, out excludes, out syntax) is { } acquired)
            return acquired;
        return null;
    }

    /// <summary>
    /// A local declared from a call that tries to take a lock (<c>var taken = Monitor.TryEnter(_sync, 50);</c>,
    /// <c>var taken = await _gate.WaitAsync(0);</c>, or a conditional whose two branches try the same lock).
    /// </summary>
    private (ILocalSymbol Flag, ISymbol Lock, bool Excludes, SyntaxNode Syntax)? TakenFlag(IOperation statement)
    {
        if (statement is not IVariableDeclarationGroupOperation { Declarations.Length: 1 } group || group.Declarations[0].Declarators.Length != 1
            || group.Declarations[0].Declarators[0] is not { Initializer.Value: { } value } declarator
            || declarator.Symbol.Type.SpecialType != SpecialType.System_Boolean)
        {
            return null;
        }
        return TriedBy(value, out bool excludes, out var syntax) is { } id ? (declarator.Symbol, id, excludes, syntax!) : null;
    }

    private ISymbol? TriedBy(IOperation value, out bool excludes, out SyntaxNode? syntax)
    {
        excludes = false;
        syntax = null;
        value = Operations.WithoutAwait(value);
        if (value is IConditionalOperation { WhenFalse: { } whenFalse } conditional)
        {
            var first = TriedBy(conditional.WhenTrue, out excludes, out syntax);
            return first is not null && SymbolEqualityComparer.Default.Equals(first, TriedBy(whenFalse, out _, out _)) ? first : null;
        }
        return value is IInvocationOperation invocation ? Acquired(invocation, out excludes, out syntax) : null;
    }

    private ISymbol? Released(IOperation statement) =>
        statement is IExpressionStatementOperation { Operation: IInvocationOperation invocation } ? ReleasedBy(invocation) : null;

    /// <summary>
    /// A try-lock made of a field and <c>Interlocked.CompareExchange</c> (a guard against running twice at once):
    /// <c>Interlocked.CompareExchange(ref _busy, 1, 0) != 0</c> tests that the take failed (<paramref name="acquiredWhen"/>
    /// false), <c>… == 0</c> that it succeeded. It never waits, so it orders nothing (EXG003), but it guards what it holds.
    /// </summary>
    private static (ISymbol Field, SyntaxNode Syntax)? CompareExchangeLock(IOperation condition, bool acquiredWhen)
    {
        if (condition is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } test
            || test.OperatorKind == BinaryOperatorKind.Equals != acquiredWhen
            || Operations.WithoutConversions(test.LeftOperand) is not IInvocationOperation { TargetMethod: { Name: "CompareExchange", ContainingType.Name: "Interlocked" } } exchange
            || exchange.Arguments.Length != 3
            || Operations.WithoutConversions(exchange.Arguments[0].Value) is not IFieldReferenceOperation { Field: var field }
            || exchange.Arguments[2].Value.ConstantValue is not { HasValue: true } comparand
            || !Equals(comparand.Value, test.RightOperand.ConstantValue.HasValue ? test.RightOperand.ConstantValue.Value : null))
        {
            return null;
        }
        return (field.OriginalDefinition, exchange.Syntax);
    }

    /// <summary>
    /// Whether the statements from <paramref name="start"/> on set <paramref name="field"/> back (<c>Interlocked.Exchange</c>,
    /// <c>Volatile.Write</c>): a try-lock is let go again; a compare-exchange that is never undone (a dispose-once guard)
    /// is a state change, not a lock.
    /// </summary>
    private static bool LetsGo(ImmutableArray<IOperation> statements, int start, ISymbol field)
    {
        for (int i = start; i < statements.Length; i++)
        {
            foreach (var operation in statements[i].DescendantsAndSelf())
            {
                if (operation is IInvocationOperation call && SetField(call) is { } target && SymbolEqualityComparer.Default.Equals(target, field))
                    return true;
            }
        }
        return false;
    }

    /// <summary>The lock a call releases: <c>Monitor.Exit(x)</c>, <c>x.Exit()</c>, or a helper of the compilation that only does that.</summary>
    private ISymbol? ReleasedBy(IInvocationOperation invocation)
    {
        if (Locks.Released(invocation, _symbols) is { } value)
            return LockId(value);
        // Interlocked.Exchange(ref _busy, 0) or Volatile.Write(ref _busy, 0) where _busy is held: a try-lock let go.
        if (SetField(invocation) is { } field && _held is not null && _held.Contains(field))
            return field;
        return OnOwnObject(invocation) ? _symbols.LockHelpers.Releases(invocation.TargetMethod.OriginalDefinition) : null;
    }

    /// <summary>The field <c>Interlocked.Exchange(ref _f, v)</c> or <c>Volatile.Write(ref _f, v)</c> sets, or null.</summary>
    private static ISymbol? SetField(IInvocationOperation invocation) =>
        invocation.TargetMethod is { Name: "Exchange", ContainingType.Name: "Interlocked" } or { Name: "Write", ContainingType.Name: "Volatile" }
        && invocation.Arguments.Length == 2 && Operations.WithoutConversions(invocation.Arguments[0].Value) is IFieldReferenceOperation { Field: var field }
            ? field.OriginalDefinition
            : null;

    /// <summary>The setting a lock-helper call (<c>Lock();</c>, whose take is under <c>if (_threadSafe)</c>) takes its lock under, or null.</summary>
    private ISymbol? HelperSetting(IOperation statement)
    {
        if (statement is not IExpressionStatementOperation { Operation: IInvocationOperation call } || !OnOwnObject(call))
            return null;
        _symbols.LockHelpers.Takes(call.TargetMethod.OriginalDefinition, out _, out var flag);
        return flag;
    }

    /// <summary>A call of a method of the compilation on <c>this</c> (or a static one): a lock helper's field is then this object's.</summary>
    private bool OnOwnObject(IInvocationOperation invocation) =>
        (invocation.Instance is null || invocation.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
        && invocation.TargetMethod.MethodKind == MethodKind.Ordinary && _symbols.HasBody(invocation.TargetMethod.OriginalDefinition);

    private ISymbol? AcquiredIn(IOperation resources, out bool excludes, out SyntaxNode? lockedSyntax)
    {
        excludes = false;
        lockedSyntax = null;
        foreach (var operation in resources.DescendantsAndSelf())
        {
            if (operation is IInvocationOperation invocation && Acquired(invocation, out excludes, out lockedSyntax) is { } id)
                return id;
        }
        return ScopeLockIn(resources, out excludes, out lockedSyntax);
    }

    /// <summary>
    /// The lock a using's resources hold through a disposable: one a call hands out (<see cref="ScopeLock"/>: <c>using
    /// (x.GetWriteLock())</c>, <c>using (var held = …)</c>) or one made here (<see cref="MadeScopeLock"/>).
    /// </summary>
    private static ISymbol? ScopeLockIn(IOperation resources, out bool excludes, out SyntaxNode? lockedSyntax)
    {
        var resource = resources;
        if (resources is IVariableDeclarationGroupOperation group)
        {
            var declarators = group.Declarations.SelectMany(declaration => declaration.Declarators).ToList();
            resource = declarators.Count == 1 ? declarators[0].Initializer?.Value : null;
        }
        excludes = false;
        lockedSyntax = null;
        return (resource is null ? null : Operations.WithoutConversions(Operations.WithoutAwait(resource))) switch
        {
            IInvocationOperation scope => ScopeLock(scope, out excludes, out lockedSyntax),
            IObjectCreationOperation made => MadeScopeLock(made, out excludes, out lockedSyntax),
            _ => null,
        };
    }

    /// <summary>
    /// The lock a disposable made here holds, by the same names (nopCommerce's <c>using (new
    /// ReaderWriteLockDisposable(_locker))</c>, whose constructor enters the lock it is given): a type named as a lock or
    /// with the word <c>Lock</c>, given the lock first. Its mode is not read from the arguments: it is taken to exclude
    /// other holders (for EXG001 any lock held guards, as a read lock entered directly does).
    /// </summary>
    private static ISymbol? MadeScopeLock(IObjectCreationOperation made, out bool excludes, out SyntaxNode? lockedSyntax)
    {
        excludes = false;
        lockedSyntax = null;
        if (made.Type is not { } type || !NamesWord(type.Name, "Lock") && !NamesLockType(type.Name) || made.Arguments.IsEmpty
            || made.Arguments[0].Value is not { } locked || LockId(locked) is not { } id)
        {
            return null;
        }
        lockedSyntax = locked.Syntax;
        excludes = true;
        return id;
    }

    /// <summary>The lock an acquiring call takes, and the syntax of its operand (what EXG003 points at).</summary>
    private ISymbol? Acquired(IInvocationOperation invocation, out bool excludes, out SyntaxNode? lockedSyntax)
    {
        var value = Locks.Acquired(invocation, _symbols, withSemaphores: true);
        if (value is null && OnOwnObject(invocation) && _symbols.LockHelpers.Takes(invocation.TargetMethod.OriginalDefinition, out excludes, out _) is { } helped)
        {
            lockedSyntax = invocation.Syntax;
            return helped;
        }
        lockedSyntax = value?.Syntax;
        excludes = value is not null && !ConcurrencySymbols.Is(invocation.TargetMethod.ContainingType, _symbols.SemaphoreSlim)
            && invocation.TargetMethod.Name is not "EnterReadLock" and not "TryEnterReadLock";
        return value is null ? null : LockId(value);
    }

    /// <summary>What a lock operand names: a field or property, the type for <c>this</c> and <c>typeof</c>, a local or parameter.</summary>
    private static ISymbol? LockId(IOperation lockedValue) => Operations.WithoutConversions(lockedValue) switch
    {
        IFieldReferenceOperation field => (ISymbol)field.Field.OriginalDefinition,
        IPropertyReferenceOperation property => property.Property.OriginalDefinition,
        IInstanceReferenceOperation instance => instance.Type,
        ITypeOfOperation type => type.TypeOperand,
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IInvocationOperation call => call.TargetMethod.OriginalDefinition,
        _ => null,
    };

    /// <summary>
    /// A lock that a <c>using</c> holds through the disposable a call returns (the call being the whole resource):
    /// <c>using (_rw.GetWriteLock())</c>, <c>using (await _mutex.LockAsync())</c> (Nito.AsyncEx's <c>AsyncLock</c>, a
    /// <c>SemaphoreSlim</c> extension, Visual Studio's <c>AsyncReaderWriterLock.WriteLockAsync</c>), <c>using (await
    /// AsyncLock.KeyedAsync(key))</c>. Recognized by name, as no type says so: a method whose name has the word
    /// <c>Lock</c>, or any method of a type named as a lock (<c>…Lock</c>, <c>…Locker</c>, <c>…Mutex</c>,
    /// <c>…Semaphore</c>, <c>SemaphoreSlim</c>). The lock is the object it is called on (for an extension method, its
    /// first argument); for a static method, the method (a keyed lock's keys are not told apart). A read lock
    /// (<c>GetReadLock</c>, <c>ReaderLockAsync</c>) and a semaphore guard data but exclude nothing (EXG003).
    /// </summary>
    private static ISymbol? ScopeLock(IInvocationOperation invocation, out bool excludes, out SyntaxNode? lockedSyntax)
    {
        excludes = false;
        lockedSyntax = null;
        var method = invocation.TargetMethod;
        var receiver = Operations.Receiver(invocation);
        var lockType = receiver is null ? method.ContainingType : Operations.WithoutConversions(receiver).Type;
        if (!NamesWord(method.Name, "Lock") && !(lockType is not null && NamesLockType(lockType.Name)))
            return null;
        var id = receiver is null ? method.OriginalDefinition : LockId(receiver);
        if (id is null)
            return null;
        lockedSyntax = receiver?.Syntax ?? invocation.Syntax;
        excludes = !(NamesWord(method.Name, "Read") || NamesWord(method.Name, "Reader")) && lockType?.Name is not ("SemaphoreSlim" or "Semaphore");
        return id;
    }

    private static bool NamesLockType(string name) =>
        name == "SemaphoreSlim" || name.EndsWith("Lock", System.StringComparison.Ordinal) || name.EndsWith("Locker", System.StringComparison.Ordinal)
        || name.EndsWith("Mutex", System.StringComparison.Ordinal) || name.EndsWith("Semaphore", System.StringComparison.Ordinal);

    /// <summary>
    /// Whether a PascalCase <paramref name="name"/> has <paramref name="word"/> (capitalized) as one of its words:
    /// <c>GetWriteLock</c> and <c>LockAsync</c>, not <c>Block</c>, <c>Unlock</c> or <c>IsLocked</c>.
    /// </summary>
    private static bool NamesWord(string name, string word)
    {
        for (int at = name.IndexOf(word, System.StringComparison.Ordinal); at >= 0; at = name.IndexOf(word, at + 1, System.StringComparison.Ordinal))
        {
            int end = at + word.Length;
            if (end == name.Length || !char.IsLower(name[end]))
                return true;
        }
        return false;
    }

    /// <summary>
    /// The locks held where a lambda or method group is written, when a library method runs it on this thread before the
    /// expression around it completes, so under those locks: an eager LINQ operator (<c>keys.All(x =&gt; _cache.ContainsKey(x))</c>,
    /// <c>ToDictionary</c>, <c>First</c>), a deferred one that an eager one or a <c>foreach</c> consumes at once
    /// (<c>_items.Where(p).ToList()</c>), a collection's own (<c>List.ForEach</c>, <c>RemoveAll</c>, <c>Sort</c>, a
    /// dictionary's value factory). Otherwise none: a deferred query that is kept or returned runs when it is enumerated,
    /// perhaps after the lock is let go, and any other method (PLINQ's, the compilation's own) may run it later or on
    /// another thread, which a lock held here does not cover.
    /// </summary>
    private HeldLocks? HeldWhileRun(IOperation function) =>
        _held is not null && UseOf(function) is IArgumentOperation { Parent: IInvocationOperation call } && RunsBeforeReturning(call, 0) ? _held : null;

    private bool RunsBeforeReturning(IInvocationOperation call, int depth)
    {
        var method = call.TargetMethod;
        if (depth > 16 || _symbols.IsOwn(method) || method.ContainingType is not { } type)
            return false;
        bool linq = type.Name == "Enumerable" && InNamespace(type, "Linq", "System");
        bool collection = type.SpecialType == SpecialType.System_Array || InNamespace(type, "Generic", "Collections", "System")
            || InNamespace(type, "Concurrent", "Collections", "System") || InNamespace(type, "Immutable", "Collections", "System");
        if (!linq && !collection)
            return false;
        if (!IsDeferredQuery(method.ReturnType))
            return true;
        // A deferred operator runs its lambdas when what it returns is enumerated: at once when the next operator of the
        // chain is eager (or consumed at once in turn), or a foreach walks it.
        return Operations.ParentWithoutConversions(call) switch
        {
            IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } next } => RunsBeforeReturning(next, depth + 1),
            IForEachLoopOperation => true,
            _ => false,
        };
    }

    /// <summary><c>IEnumerable&lt;T&gt;</c>, <c>IOrderedEnumerable&lt;T&gt;</c> or <c>IEnumerable</c>: what a deferred LINQ operator returns.</summary>
    private static bool IsDeferredQuery(ITypeSymbol type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Interface } named
        && (named.Name == "IEnumerable" || named.Name == "IOrderedEnumerable")
        && (InNamespace(named, "Generic", "Collections", "System") || InNamespace(named, "Collections", "System") || InNamespace(named, "Linq", "System"));
}
