using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>Where an exception can leave the function (EXG002).</summary>
internal sealed partial class SummaryWalker
{
    /// <summary>
    /// Whether a throw point here would be recorded at all: not under a try that catches everything, not in its handlers
    /// (only a rethrow counts there), and not past the function's first sure throw (only what runs before it still
    /// matters: its own operands, which are visited next). Checked before the costlier question of what a call throws.
    /// </summary>
    private bool MayRecordThrow(IOperation operation) =>
        _protected == 0 && (!_inCatchAllHandler || operation.Kind == OperationKind.Throw)
        && (_rethrownBody is not null || !_function.ThrowsForSure || _function.Throws[_function.Throws.Count - 1].Syntax.Span.Contains(operation.Syntax.Span));

    private void Throws(IOperation operation, IMethodSymbol? callee, bool sure, Thrown kinds = Thrown.Other, ISymbol? handedIn = null, bool dispatched = false,
        IOperation? waitedTask = null)
    {
        if (!MayRecordThrow(operation) || sure && handedIn is null && (kinds & ~_caught) == Thrown.None)
            return;
        var sourceOwner = sure && waitedTask is not null ? ResultOnlySources.OwnerOfSource(waitedTask, _root, _function.Symbol) : null;
        (_rethrownBody ?? _function.Throws).Add(new ThrowPoint(operation.Syntax, sure ? null : callee, sure ? kinds : Thrown.None, _caught, handedIn, dispatched)
        {
            SourceOwner = sourceOwner,
        });
        if (sure && kinds == Thrown.Other && handedIn is null && sourceOwner is null && _rethrownBody is null)
            _function.ThrowsForSure = true;
    }

    /// <summary>A rethrow that ends a catch: a throw point of what the try's body lets out, if it lets anything out.</summary>
    private void Rethrows(IOperation rethrow, List<ThrowPoint> body)
    {
        if (body.Count == 0 || !MayRecordThrow(rethrow))
            return;
        InRunOrder(body);
        (_rethrownBody ?? _function.Throws).Add(new ThrowPoint(rethrow.Syntax, null, Thrown.None, _caught) { Rethrown = body });
    }

    /// <summary>
    /// The parameter, field or auto-property a delegate invocation calls through (<c>callback(state)</c>, <c>_action()</c>,
    /// <c>_action?.Invoke()</c>, <c>item.Action(item.State)</c>), when that is work handed in rather than a notification:
    /// not an event, nor a delegate of an <c>EventHandler</c> type.
    /// </summary>
    private ISymbol? HandedInDelegate(IInvocationOperation invocation)
    {
        if (invocation.TargetMethod.MethodKind != MethodKind.DelegateInvoke || invocation.Instance is not { } instance)
            return null;
        var invoked = Operations.WithoutConversions(Operations.AccessedInstance(instance));
        // An event only this assembly can subscribe to runs what the compilation subscribes (Closing?.Invoke(this) of an
        // internal connection, whose handlers log and dispose), whatever its delegate type.
        if (invoked is IEventReferenceOperation { Event: var raised } && !_symbols.VisibleOutside(raised))
            return raised.OriginalDefinition;
        if (invocation.TargetMethod.ContainingType?.Name.StartsWith("EventHandler", System.StringComparison.Ordinal) != false)
            return null;
        return invoked switch
        {
            IParameterReferenceOperation parameter => parameter.Parameter.OriginalDefinition,
            IFieldReferenceOperation field => field.Field.OriginalDefinition,
            IPropertyReferenceOperation property when _symbols.IsAutoProperty(property.Property) => property.Property.OriginalDefinition,
            ILocalReferenceOperation local => IteratedField(local.Local, invocation),
            _ => null,
        };
    }

    /// <summary>
    /// The field a <c>foreach</c> around <paramref name="use"/> walks, when <paramref name="local"/> is its iteration
    /// variable: <c>foreach (var resolver in _resolvers) resolver(pid);</c> calls what was handed into that list.
    /// </summary>
    private static ISymbol? IteratedField(ILocalSymbol local, IOperation use)
    {
        for (var parent = use.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IForEachLoopOperation loop && loop.Locals.Contains(local, SymbolEqualityComparer.Default))
                return Operations.WithoutConversions(loop.Collection) is IFieldReferenceOperation field ? field.Field.OriginalDefinition : null;
        }
        return null;
    }

    /// <summary>
    /// What a .NET call that throws by contract lets out: only an <c>OperationCanceledException</c> for a call that fails
    /// only when its token is cancelled (<c>token.ThrowIfCancellationRequested()</c>,
    /// <c>BlockingCollection.GetConsumingEnumerable(token)</c>, <c>Task.Delay(…, token)</c> and a wait on such a delay);
    /// only an <c>ObjectDisposedException</c> for a wait on wait handles (<c>WaitHandle.WaitAny</c>, <c>WaitOne</c>) and
    /// events (<c>ManualResetEventSlim.Wait()</c>), which fails when a handle was disposed under it, and nothing when the
    /// object waited on is one the compilation never disposes (<see cref="UndisposedMembers"/>); anything for the rest. A catch of that type around the call, here or
    /// in a caller, is all the first two need.
    /// </summary>
    private static Thrown ThrownByContract(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        return method.Name switch
        {
            "ThrowIfCancellationRequested" when method.ContainingType?.Name == "CancellationToken" => Thrown.Cancelled,
            "GetConsumingEnumerable" when method.ContainingType?.Name == "BlockingCollection" && method.Parameters.Length == 1 => Thrown.Cancelled,
            "Delay" when method.IsStatic && method.ContainingType?.Name == "Task" => Thrown.Cancelled,
            "Wait" when method.ContainingType?.Name == "Task"
                && invocation.Instance is IInvocationOperation { TargetMethod: { Name: "Delay", IsStatic: true, ContainingType.Name: "Task" } } => Thrown.Cancelled,
            "WaitOne" or "WaitAny" or "WaitAll" when method.ContainingType?.Name == "WaitHandle" => Thrown.Disposed,
            // An event's wait fails only when the event was disposed, or its token cancelled (a wait on a task rethrows).
            "Wait" when method.ContainingType?.Name is "ManualResetEventSlim" or "CountdownEvent" =>
                method.Parameters.Any(p => p.Type.Name == "CancellationToken") ? Thrown.Disposed | Thrown.Cancelled : Thrown.Disposed,
            "WaitAny" when method.ContainingType?.Name == "Task" => Thrown.Cancelled, // with a token: it returns an index, never a task's failure
            _ => Thrown.Other,
        };
    }

    /// <summary>
    /// Which of the kinds <see cref="Thrown"/> tells apart a <c>throw</c> throws, by the static type of what it throws:
    /// <c>throw new ObjectDisposedException(…)</c> (a disposed guard) is stopped by a <c>catch (ObjectDisposedException)</c>
    /// around the call, as a disposed wait handle's is; <c>throw new OperationCanceledException()</c> is a cancellation.
    /// </summary>
    private Thrown ThrownType(IOperation? thrown) => (thrown is null ? null : Operations.WithoutConversions(thrown).Type) switch
    {
        INamedTypeSymbol type when _symbols.OperationCanceledException is { } cancelled && ConcurrencySymbols.IsOrDerives(type, cancelled) => Thrown.Cancelled,
        INamedTypeSymbol type when _symbols.ObjectDisposedException is { } disposed && ConcurrencySymbols.IsOrDerives(type, disposed) => Thrown.Disposed,
        _ => Thrown.Other,
    };

    /// <summary>
    /// What the catches of <paramref name="try"/> without a filter stop, of the kinds <see cref="Thrown"/> tells apart, and a
    /// catch of <c>Exception</c> whose filter lets only a cancellation pass (everything else).
    /// </summary>
    private Thrown CaughtBy(ITryOperation @try)
    {
        var caught = Thrown.None;
        foreach (var handler in @try.Catches)
        {
            // catch (Exception e) when (e is not OperationCanceledException): everything but a cancellation, on purpose.
            if (CatchesAllButCancellation(handler))
            {
                caught |= Thrown.Disposed | Thrown.Other;
                continue;
            }
            if (handler.Filter is not null)
                continue;
            if (handler.ExceptionType.SpecialType == SpecialType.System_Object || Catches(handler.ExceptionType, _symbols.OperationCanceledException))
                caught |= Thrown.Cancelled;
            if (handler.ExceptionType.SpecialType == SpecialType.System_Object || Catches(handler.ExceptionType, _symbols.ObjectDisposedException))
                caught |= Thrown.Disposed;
        }
        return caught;

        static bool Catches(ITypeSymbol caughtType, INamedTypeSymbol? thrown) =>
            thrown is not null && ConcurrencySymbols.IsOrDerives(thrown, caughtType as INamedTypeSymbol);
    }

    /// <summary>A catch of <c>Exception</c> whose filter lets every exception but a cancellation through (see below).</summary>
    private bool CatchesAllButCancellation(ICatchClauseOperation handler) =>
        handler.Filter is { } filter && ConcurrencySymbols.Is(handler.ExceptionType, _symbols.Exception) && ExcludesOnlyCancellation(filter);

    /// <summary>
    /// A filter that lets every exception but a cancellation through to its catch: <c>when (!(e is OperationCanceledException))</c>,
    /// <c>when (e is not OperationCanceledException)</c> (also <c>TaskCanceledException</c>, which derives from it).
    /// </summary>
    private bool ExcludesOnlyCancellation(IOperation filter) =>
        ExcludedType(filter) is INamedTypeSymbol excluded && _symbols.OperationCanceledException is { } cancelled && ConcurrencySymbols.IsOrDerives(excluded, cancelled);

    /// <summary>
    /// Puts the throw points in the order they run: operands before the call they are passed to
    /// (<c>_log.WriteLine(Report.Generate(x))</c> fails in <c>Generate</c> first), up to the first sure throw.
    /// </summary>
    private static void InRunOrder(List<ThrowPoint> points)
    {
        if (points.Count < 2)
            return;
        // By where each ends; of two ending together (await F()), the outer one: that is where the exception surfaces.
        points.Sort((x, y) => x.Syntax.Span.End != y.Syntax.Span.End ? x.Syntax.Span.End.CompareTo(y.Syntax.Span.End) : x.Syntax.SpanStart.CompareTo(y.Syntax.SpanStart));
        int firstSure = points.FindIndex(p => p.Callee is null && p.Kinds == Thrown.Other && p.HandedIn is null && p.SourceOwner is null);
        if (firstSure >= 0 && firstSure < points.Count - 1)
            points.RemoveRange(firstSure + 1, points.Count - firstSure - 1);
    }

    /// <summary><c>throw new ArgumentNullException(nameof(x))</c> and the other <c>ArgumentException</c>s.</summary>
    private bool IsArgumentCheck(IOperation thrown) =>
        Operations.WithoutConversions(thrown) is IObjectCreationOperation { Type: { } type }
        && type.Name.StartsWith("Argument", System.StringComparison.Ordinal) && ConcurrencySymbols.IsOrDerives(type, _symbols.Exception);

    /// <summary>
    /// An assertion written as a throw: <c>throw new UnreachableException()</c>, or an exception whose message (or, without a
    /// message, whose comment) says the code cannot get there (<c>"Internal error: …"</c>, <c>"Should not happen"</c>,
    /// <c>"Should never …"</c>). It fires on a
    /// bug of the library itself, not on a condition a worker meets at run time (a lost connection, a state a race
    /// produced: <c>"The server is no longer connected."</c> stays a throw point).
    /// </summary>
    private bool IsAssertion(IOperation thrown)
    {
        if (Operations.WithoutConversions(thrown) is not IObjectCreationOperation { Type: { } type } creation
            || !ConcurrencySymbols.IsOrDerives(type, _symbols.Exception))
        {
            return false;
        }
        if (type.Name == "UnreachableException")
            return true;
        var message = creation.Arguments.Length > 0 ? creation.Arguments[0].Value : null;
        var text = message switch
        {
            ILiteralOperation { ConstantValue: { HasValue: true, Value: string literal } } => literal,
            IInterpolatedStringOperation { Parts: { Length: > 0 } parts } when parts[0] is IInterpolatedStringTextOperation { Text: ILiteralOperation { ConstantValue.Value: string first } } => first,
            _ => null,
        };
        if (text is not null)
            return AssertionPhrases.Any(phrase => text.StartsWith(phrase, System.StringComparison.OrdinalIgnoreCase));
        return message is null && CommentedAsUnreachable(creation.Syntax);
    }

    /// <summary>
    /// A throw without a message whose comment, on the throw statement or on the line before it, says the code cannot get
    /// there: <c>// Should never occur, the pool is set before the loop starts</c> above <c>throw new InvalidOperationException();</c>.
    /// </summary>
    private static bool CommentedAsUnreachable(SyntaxNode creation)
    {
        var statement = creation.FirstAncestorOrSelf<Microsoft.CodeAnalysis.CSharp.Syntax.StatementSyntax>();
        if (statement is null)
            return false;
        foreach (var trivia in statement.GetLeadingTrivia().Concat(statement.GetTrailingTrivia()))
        {
            if (!trivia.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.SingleLineCommentTrivia))
                continue;
            string comment = trivia.ToString().TrimStart('/', ' ');
            if (AssertionPhrases.Any(phrase => comment.StartsWith(phrase, System.StringComparison.OrdinalIgnoreCase)))
                return true;
        }
        return false;
    }

    private static readonly string[] AssertionPhrases =
        { "Internal error", "Should not", "Should never", "Shouldn't", "This should not", "This should never", "This shouldn't", "Unreachable" };

    /// <summary>Property gets that throw as part of their contract: a dictionary's indexer, <c>Task.Result</c>, <c>Lazy.Value</c>.</summary>
    private static bool ThrowingGet(IPropertySymbol property) =>
        property.IsIndexer && property.ContainingType is { } type
        && (type.Name.Contains("Dictionary") || type.OriginalDefinition.AllInterfaces.Any(static i => i.Name == "IDictionary")) // the definition's list is computed once
        || property.Name == "Result" && property.ContainingType?.Name == "Task"
        || property.Name == "Value" && property.ContainingType?.Name is "Lazy";

    /// <summary>
    /// <c>await F()</c> or <c>await F().ConfigureAwait(false)</c>: what the await can throw is what <c>F</c>'s task can
    /// hold, which the call's own throw point already says. Not for the combinators (<c>WhenAll</c>, <c>Task.Run</c>),
    /// whose task holds the failures of other code.
    /// </summary>
    private static bool AwaitsACall(IAwaitOperation awaited) =>
        Operations.WithoutAwait(awaited) is IInvocationOperation { TargetMethod.Name: not ("WhenAll" or "WhenAny" or "Run" or "StartNew" or "ContinueWith" or "WaitAsync") };
}
