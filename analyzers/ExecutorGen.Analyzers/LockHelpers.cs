using System.Collections.Concurrent;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Methods that only take or only release a lock of their own object: <c>void Lock() { if (_threadSafe)
/// Monitor.Enter(_sync); }</c> and its <c>Unlock()</c>; <c>void EnterWrite() =&gt; _rw.EnterWriteLock();</c>. A call
/// <c>Lock(); try { … } finally { Unlock(); }</c> then holds the lock like <c>Monitor.Enter</c> would.
/// </summary>
/// <remarks>
/// Read from the helper's syntax (its body is one statement, optionally under an <c>if</c>), so the answer does not
/// depend on which summary was made first; the lock is the helper's field, named as written. A conditional helper counts
/// as taking the lock: where the condition is false the object is not shared (a single-owner socket, a lock-free mode),
/// which is what its author relied on. For the same reason the take remembers the flag it depends on
/// (<see cref="LockTake.Flag"/>): a lock taken only when a configuration flag says so is no evidence that the object is shared.
/// </remarks>
internal sealed class LockHelpers
{
    private readonly ConcurrentDictionary<IMethodSymbol, (ISymbol? Taken, ISymbol? Released, bool Excludes, ISymbol? Flag)> _known = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// The field a call to <paramref name="method"/> (on <c>this</c>, or static) locks, or null; with the bool field whose
    /// test guards the take (<c>if (_threadSafe)</c>), if any.
    /// </summary>
    public ISymbol? Takes(IMethodSymbol method, out bool excludes, out ISymbol? flag)
    {
        var (taken, _, exclusive, tested) = Of(method);
        excludes = exclusive;
        flag = tested;
        return taken;
    }

    /// <summary>The field a call to <paramref name="method"/> (on <c>this</c>, or static) unlocks, or null.</summary>
    public ISymbol? Releases(IMethodSymbol method) => Of(method).Released;

    private (ISymbol? Taken, ISymbol? Released, bool Excludes, ISymbol? Flag) Of(IMethodSymbol method)
    {
        if (!method.ReturnsVoid || method.Parameters.Length > 0 || method.IsVirtual || method.IsAbstract
            || method.MethodKind != MethodKind.Ordinary || method.ContainingType is null)
        {
            return default;
        }
        return _known.GetOrAdd(method, Read);
    }

    private static (ISymbol? Taken, ISymbol? Released, bool Excludes, ISymbol? Flag) Read(IMethodSymbol method)
    {
        var (taken, released, excludes) = ReadCall(method, out var declaration);
        var flag = taken is not null && Single(declaration?.Body) is IfStatementSyntax { Condition: var condition }
            ? FieldNamed(method, condition is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.LogicalNotExpression } not ? not.Operand : condition) as IFieldSymbol
            : null;
        return (taken, released, excludes, flag is { Type.SpecialType: SpecialType.System_Boolean } ? flag : null);
    }

    private static (ISymbol? Taken, ISymbol? Released, bool Excludes) ReadCall(IMethodSymbol method, out MethodDeclarationSyntax? declaration)
    {
        declaration = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() as MethodDeclarationSyntax;
        if (declaration is null)
            return default;
        if (SpinsOn(method, declaration) is { } spinLock)
            return (spinLock, null, true);
        var call = declaration.ExpressionBody is { } arrow
            ? arrow.Expression as InvocationExpressionSyntax
            : (Unguarded(Single(declaration.Body)) as ExpressionStatementSyntax)?.Expression as InvocationExpressionSyntax;
        if (call?.Expression is not MemberAccessExpressionSyntax access)
            return default;
        string name = access.Name.Identifier.ValueText;
        // Interlocked.Exchange(ref _state, 0) / Volatile.Write(ref _state, 0): lets go of a spin lock (see SpinsOn).
        if ((access.Expression.ToString(), name) is ("Interlocked" or "System.Threading.Interlocked", "Exchange") or ("Volatile" or "System.Threading.Volatile", "Write")
            && call.ArgumentList.Arguments is { Count: 2 } released && released[0].RefKindKeyword.IsKind(SyntaxKind.RefKeyword))
        {
            return (null, FieldNamed(method, released[0].Expression), true);
        }
        // Monitor.Enter(_sync) / Monitor.Exit(_sync): the lock is the argument.
        if (access.Expression.ToString() is "Monitor" or "System.Threading.Monitor" or "global::System.Threading.Monitor")
        {
            var field = call.ArgumentList.Arguments.Count == 1 ? FieldNamed(method, call.ArgumentList.Arguments[0].Expression) : null;
            return name switch
            {
                "Enter" => (field, null, true),
                "Exit" => (null, field, true),
                _ => default,
            };
        }
        // _lock.Enter(), _rw.EnterWriteLock(), _gate.Wait(): the lock is the receiver, when its type is a lock's.
        if (call.ArgumentList.Arguments.Count > 0 || FieldNamed(method, access.Expression) is not IFieldSymbol lockField)
            return default;
        string type = lockField.Type.Name;
        return (type, name) switch
        {
            ("Lock" or "SpinLock", "Enter") or ("ReaderWriterLockSlim", "EnterWriteLock") => (lockField, null, true),
            ("SemaphoreSlim", "Wait") or ("ReaderWriterLockSlim", "EnterReadLock") => (lockField, null, false),
            ("Lock" or "SpinLock", "Exit") or ("ReaderWriterLockSlim", "ExitWriteLock") => (null, lockField, true),
            ("SemaphoreSlim", "Release") or ("ReaderWriterLockSlim", "ExitReadLock") => (null, lockField, false),
            _ => default,
        };
    }

    /// <summary>
    /// A spin lock made by hand: the method loops until <c>Interlocked.CompareExchange(ref _state, 1, 0)</c> succeeds, and
    /// does nothing else to its object. The lock is the field.
    /// </summary>
    private static ISymbol? SpinsOn(IMethodSymbol method, MethodDeclarationSyntax declaration)
    {
        if (declaration.Body is not { } body)
            return null;
        ISymbol? field = null;
        foreach (var node in body.DescendantNodes())
        {
            switch (node)
            {
                case InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CompareExchange" } member } exchange
                    when member.Expression.ToString() is "Interlocked" or "System.Threading.Interlocked":
                    if (field is not null || exchange.ArgumentList.Arguments.Count != 3 || !exchange.ArgumentList.Arguments[0].RefKindKeyword.IsKind(SyntaxKind.RefKeyword)
                        || !exchange.Ancestors().TakeWhile(a => a != body).Any(a => a is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax))
                    {
                        return null;
                    }
                    field = FieldNamed(method, exchange.ArgumentList.Arguments[0].Expression);
                    break;
                case AssignmentExpressionSyntax or PostfixUnaryExpressionSyntax or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression or (int)SyntaxKind.PreDecrementExpression }:
                    return null; // it changes something else: not only a lock
            }
        }
        return field;
    }

    private static StatementSyntax? Single(BlockSyntax? block) => block is { Statements.Count: 1 } ? block.Statements[0] : null;

    /// <summary><c>if (condition) S;</c> or <c>if (condition) { S; }</c> without an else gives S; anything else itself.</summary>
    private static StatementSyntax? Unguarded(StatementSyntax? statement) => statement switch
    {
        IfStatementSyntax { Else: null, Statement: BlockSyntax block } => Single(block),
        IfStatementSyntax { Else: null } guarded => guarded.Statement,
        _ => statement,
    };

    /// <summary>The field of the helper's type that <paramref name="expression"/> names (<c>_sync</c>, <c>this._sync</c>).</summary>
    private static ISymbol? FieldNamed(IMethodSymbol method, ExpressionSyntax expression)
    {
        var name = expression switch
        {
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax, Name: var member } => member.Identifier.ValueText,
            _ => null,
        };
        if (name is null)
            return null;
        for (var type = method.ContainingType; type is not null; type = type.BaseType)
        {
            foreach (var member in type.GetMembers(name))
            {
                if (member is IFieldSymbol field && field.IsStatic == method.IsStatic)
                    return field.OriginalDefinition;
            }
        }
        return null;
    }
}
