using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>Blocking waits (EXG004), and whether the task waited on is already known to be complete.</summary>
internal sealed partial class SummaryWalker
{
    private string? BlockingCall(IInvocationOperation invocation, out IOperation? task)
    {
        task = null;
        var method = invocation.TargetMethod;
        // Most calls are not waits: match the name before counting arguments.
        if (method.Name is not ("Take" or "Wait" or "Join" or "WaitOne" or "GetResult"))
            return null;
        var type = method.ContainingType;
        int arguments = 0;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                arguments++;
        }
        switch (method.Name)
        {
            case "Take" when arguments == 0 && ConcurrencySymbols.Is(type, _symbols.BlockingCollection):
                return "BlockingCollection.Take()";
            case "Wait" when arguments == 0 && ConcurrencySymbols.IsOrDerives(type, _symbols.Task):
                task = invocation.Instance;
                return task is not null && WaitIsBounded(task, invocation) ? null : "Task.Wait()";
            case "Wait" when arguments == 0 && ConcurrencySymbols.Is(type, _symbols.SemaphoreSlim):
                return "SemaphoreSlim.Wait()";
            case "Wait" when arguments == 1 && method.IsStatic && ConcurrencySymbols.Is(type, _symbols.Monitor):
                return "Monitor.Wait(object)";
            case "Join" when arguments == 0 && ConcurrencySymbols.Is(type, _symbols.Thread):
                return "Thread.Join()";
            case "WaitOne" when arguments == 0 && ConcurrencySymbols.IsOrDerives(type, _symbols.WaitHandle):
                return "WaitHandle.WaitOne()";
            case "GetResult" when arguments == 0 && type is { Name: "TaskAwaiter" or "ValueTaskAwaiter" or "ConfiguredTaskAwaiter" or "ConfiguredValueTaskAwaiter" }
                && invocation.Instance is IInvocationOperation { Instance: { } awaited } getAwaiter
                && !WaitIsBounded(awaited, getAwaiter):
                task = awaited;
                return "GetAwaiter().GetResult()";
            default:
                return null;
        }
    }

    /// <summary>
    /// A wait on <paramref name="task"/> at <paramref name="use"/> does not block without end: the task is known to be
    /// complete there, ends within a bounded time, or comes from a call given a cancellation token.
    /// </summary>
    private bool WaitIsBounded(IOperation task, IOperation use) => KnownComplete(task, use) || EndsInBoundedTime(task) || Cancellable(task);

    /// <summary>
    /// A task from a call given a cancellation token (<c>RequestLockAsync(token).GetAwaiter().GetResult()</c>, also through
    /// <c>ConfigureAwait</c>): the operation waited for ends when the token is cancelled, so the wait has a way out, as
    /// <c>Wait(token)</c> has. <c>default</c> and <c>CancellationToken.None</c> are no token.
    /// </summary>
    private static bool Cancellable(IOperation task)
    {
        if (Operations.WithoutAwait(task) is not IInvocationOperation call)
            return false;
        foreach (var argument in call.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue && argument.Parameter?.Type is { Name: "CancellationToken" }
                && Operations.WithoutConversions(argument.Value) is not (IDefaultValueOperation or IPropertyReferenceOperation { Property.Name: "None" }))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The task is known to be complete where it is waited on: a variable awaited earlier in the function
    /// (<c>await Task.WhenAll(a, b)</c>, <c>await a</c>) or waited for without a timeout (<c>a.Wait(token)</c>), the task
    /// <c>await Task.WhenAny(...)</c> returned, a variable tested earlier with <c>IsCompleted</c>/<c>IsCompletedSuccessfully</c>/<c>IsFaulted</c>/<c>IsCanceled</c>/<c>Status</c>,
    /// the parameter of a continuation lambda, or what a method that returns only completed tasks returned.
    /// </summary>
    private bool KnownComplete(IOperation task, IOperation use)
    {
        if (RunsSynchronously(Operations.WithoutConversions(task)) || FromCompletingMethod(task))
            return true;
        if (TakenFrom(Operations.WithoutConversions(task)) is { } collection && AllAwaitedBefore(collection, use))
            return true;
        var symbol = Referenced(Operations.WithoutConversions(task));
        if (symbol is null)
            return false;
        // var first = await Task.WhenAny(a, b): the task WhenAny returns is complete; or one compared equal to it.
        if (HoldsWhenAnyResult(symbol) || ChosenByWaitAny(symbol, use))
            return true;
        if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } })
            return true;
        int position = use.Syntax.SpanStart;
        foreach (var operation in _root.Descendants())
        {
            if (operation.Syntax.SpanStart >= position)
                continue;
            switch (operation)
            {
                case IAwaitOperation awaitOperation when awaitOperation.Syntax.Span.End <= position:
                    // await a, await Task.WhenAll(a, b): a is complete; await Task.WhenAny(a, b) completes one of them only.
                    foreach (var awaited in IsWhenAny(awaitOperation.Operation) ? Enumerable.Empty<IOperation>() : awaitOperation.Operation.DescendantsAndSelf())
                    {
                        if (SymbolEqualityComparer.Default.Equals(Referenced(awaited), symbol))
                            return true;
                    }
                    break;
                case IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled" or "Status", Instance: { } instance }
                    when operation.Syntax.Span.End <= position && SymbolEqualityComparer.Default.Equals(Referenced(Operations.WithoutConversions(instance)), symbol):
                    return true;
                // t.Wait(token); … t.Result: a wait that returns only once the task is complete (not one with a timeout,
                // which may return first).
                case IInvocationOperation { TargetMethod: { Name: "Wait", ContainingType.Name: "Task" } wait, Instance: { } waited }
                    when operation.Syntax.Span.End <= position && wait.Parameters.All(p => p.Type.Name == "CancellationToken")
                        && SymbolEqualityComparer.Default.Equals(Referenced(Operations.WithoutConversions(waited)), symbol):
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A call, also through <c>ConfigureAwait</c>, of a method that returns only tasks already complete
    /// (<see cref="CompletedTasks"/>).
    /// </summary>
    private bool FromCompletingMethod(IOperation task) =>
        Operations.WithoutAwait(task) is IInvocationOperation { TargetMethod: var callee } && CompletedTasks.ReturnsOnlyCompleted(callee.OriginalDefinition, _symbols);

    /// <summary>
    /// A call told to run synchronously: <c>GetInternal(key, async: false)</c>, the sync twin of an async method sharing one
    /// body (Npgsql, the Azure SDK, Smartstore: <c>async ? await store.GetAsync(key) : store.Get(key)</c>); the task it
    /// returns is complete, and waiting for it blocks on nothing. Known by the convention (a <c>bool</c> parameter named
    /// <c>async</c>, given <c>false</c>): a wait through a helper (<c>GetInternal(key, false).Await()</c>) blocks in the helper,
    /// where the constant the call was given is no longer known.
    /// </summary>
    private static bool RunsSynchronously(IOperation task)
    {
        if (task is not IInvocationOperation invocation)
            return false;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is { Type.SpecialType: SpecialType.System_Boolean, Name: var name } flag
                && (name.Equals("async", System.StringComparison.OrdinalIgnoreCase) || name is "isAsync" or "useAsync" or "runAsync")
                && argument.Value.ConstantValue is { HasValue: true, Value: false })
            {
                return KeepsToTheFlag(invocation.TargetMethod, flag.Name);
            }
        }
        return false;
    }

    /// <summary>
    /// Whether a method of the compilation keeps to the convention its flag names: every <c>await</c> of its own (not of a
    /// lambda or local function in it) is on the flag's side of a test of it (<c>async ? await A() : B()</c>,
    /// <c>if (async) await A();</c>) or passes the flag on (<c>await Inner(key, async)</c>). Smartstore's
    /// <c>GetCachedSettingInternal(key, store, async)</c> awaits its cache whatever the flag says: its task may not be complete.
    /// A method without source here is taken at its word.
    /// </summary>
    private static bool KeepsToTheFlag(IMethodSymbol method, string flag)
    {
        if (method.DeclaringSyntaxReferences is not { Length: 1 } references)
            return true;
        var declaration = references[0].GetSyntax();
        foreach (var awaited in declaration.DescendantNodes(node => node == declaration || node is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
            .OfType<AwaitExpressionSyntax>())
        {
            if (!OnTheFlagsSide(awaited, declaration, flag) && !PassesOn(awaited.Expression, flag))
                return false;
        }
        return true;
    }

    private static bool OnTheFlagsSide(SyntaxNode node, SyntaxNode declaration, string flag)
    {
        for (var child = node; child.Parent is { } parent && child != declaration; child = parent)
        {
            switch (parent)
            {
                case ConditionalExpressionSyntax conditional when child == conditional.WhenTrue && IsFlag(conditional.Condition, flag):
                case IfStatementSyntax test when child == test.Statement && IsFlag(test.Condition, flag):
                    return true;
            }
        }
        return false;
    }

    private static bool IsFlag(ExpressionSyntax condition, string flag) =>
        condition is IdentifierNameSyntax { Identifier.ValueText: var name } && name == flag;

    private static bool PassesOn(ExpressionSyntax awaited, string flag)
    {
        while (awaited is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ConfigureAwait", Expression: var inner } })
            awaited = inner;
        return awaited is InvocationExpressionSyntax call && call.ArgumentList.Arguments.Any(a => IsFlag(a.Expression, flag));
    }

    /// <summary>
    /// The collection variable a task was read from: <c>fetching[pair]</c>, <c>rate.Value</c> or <c>rate</c> where
    /// <c>rate</c> is the variable of a <c>foreach</c> over it, or the parameter of a lambda a LINQ call over it runs
    /// (<c>results.Sum(r =&gt; r.Rate.Result)</c>); null for any other task.
    /// </summary>
    private static ISymbol? TakenFrom(IOperation task)
    {
        switch (task)
        {
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } indexed }:
                return Referenced(Operations.WithoutConversions(indexed));
            case IArrayElementReferenceOperation { ArrayReference: var array }:
                return Referenced(Operations.WithoutConversions(array));
            case IPropertyReferenceOperation { Instance: { } element }: // pair.Value of a dictionary's pair
                return ElementOf(Operations.WithoutConversions(element));
            case IFieldReferenceOperation { Instance: { } element }: // r.Rate of a tuple
                return ElementOf(Operations.WithoutConversions(element));
            default:
                return ElementOf(task);
        }

        static ISymbol? ElementOf(IOperation element)
        {
            if (element is ILocalReferenceOperation { Local: var local })
            {
                for (var parent = element.Parent; parent is not null; parent = parent.Parent)
                {
                    if (parent is IForEachLoopOperation loop && loop.Locals.Contains(local, SymbolEqualityComparer.Default))
                        return Root(loop.Collection);
                }
            }
            else if (element is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda })
            {
                // The lambda given to a call over the collection (results.Sum(r => …), pairs.Select(p => …)): the call's source.
                for (var parent = element.Parent; parent is not null; parent = parent.Parent)
                {
                    if (parent is IAnonymousFunctionOperation function && SymbolEqualityComparer.Default.Equals(function.Symbol, lambda))
                        return function.Parent is IDelegateCreationOperation { Parent: IArgumentOperation { Parent: IInvocationOperation call } } ? Root(call) : null;
                }
            }
            return null;
        }
    }

    /// <summary>The variable an expression over a collection starts from: <c>fetching</c> of <c>fetching.Values</c> or <c>fetching.Select(f =&gt; f.Value).ToArray()</c>.</summary>
    private static ISymbol? Root(IOperation expression)
    {
        for (int depth = 0; depth < 8; depth++)
        {
            expression = Operations.WithoutConversions(expression);
            switch (expression)
            {
                case IPropertyReferenceOperation { Instance: { } instance }:
                    expression = instance;
                    break;
                case IInvocationOperation { Instance: { } instance }:
                    expression = instance;
                    break;
                case IInvocationOperation { TargetMethod.IsExtensionMethod: true, Arguments.Length: > 0 } extension:
                    expression = extension.Arguments[0].Value;
                    break;
                default:
                    return Referenced(expression);
            }
        }
        return null;
    }

    /// <summary>
    /// Whether an <c>await Task.WhenAll(…)</c> over <paramref name="collection"/> (the argument starts from it) ends before
    /// <paramref name="use"/>, in the member around it: a lambda written after the await runs after it too.
    /// </summary>
    private static bool AllAwaitedBefore(ISymbol collection, IOperation use)
    {
        var member = use;
        while (member.Parent is not null)
            member = member.Parent;
        int position = use.Syntax.SpanStart;
        foreach (var operation in member.Descendants())
        {
            if (operation is IAwaitOperation awaited && awaited.Syntax.Span.End <= position
                && Operations.WithoutConversions(awaited.Operation) is IInvocationOperation { TargetMethod: { Name: "WhenAll", IsStatic: true, ContainingType.Name: "Task" }, Arguments: { Length: 1 } arguments }
                && SymbolEqualityComparer.Default.Equals(Root(arguments[0].Value), collection))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// A task that ends within a bounded time, directly or through a local only ever set to one: <c>Task.Delay(…)</c>
    /// (which is what a timer thread that sleeps between ticks means; it ends early with its token), an
    /// <c>HttpClient</c> request (bounded by <c>HttpClient.Timeout</c>, 100 seconds unless set otherwise), and
    /// <c>WaitAsync</c> with a timeout. Waiting on it blocks, but not without a timeout.
    /// </summary>
    private bool EndsInBoundedTime(IOperation task)
    {
        task = Operations.WithoutConversions(task);
        if (BoundedCall(task))
            return true;
        if (task is not ILocalReferenceOperation { Local: var local })
            return false;
        bool bounded = false;
        foreach (var value in Operations.StoresTo(local, _root))
        {
            if (value.ConstantValue is { HasValue: true, Value: null })
                continue; // Task delay = null; set in the try below
            if (!BoundedCall(Operations.WithoutConversions(value)))
                return false;
            bounded = true;
        }
        return bounded;

        static bool BoundedCall(IOperation operation)
        {
            if (operation is IInvocationOperation { TargetMethod: { Name: "Delay", IsStatic: true, ContainingType.Name: "Task" } })
                return true;
            // A delay only as written directly: Task.Delay(…).ConfigureAwait(false).GetAwaiter().GetResult() is code written
            // to be awaited that parks a pool thread instead (ApplicationInsights' aggregation cycle, real defect 08).
            if (operation is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
                operation = Operations.WithoutConversions(configured);
            return operation is IInvocationOperation { TargetMethod: var method }
                && (method.Name == "WaitAsync" && method.Parameters.Any(p => p.Type.Name == "TimeSpan" || p.Type.SpecialType == SpecialType.System_Int32)
                    || method.ContainingType is { Name: "HttpClient" or "HttpMessageInvoker" } http && http.ContainingNamespace?.ToDisplayString() == "System.Net.Http"
                        && method.Name.EndsWith("Async", System.StringComparison.Ordinal));
        }
    }

    /// <summary>
    /// The use runs only where <c>Task.WaitAny(tasks, …)</c> returned the task's index: after <c>WaitAny(…) == k &amp;&amp;</c>
    /// or in the true branch of <c>if (WaitAny(…) == k)</c> (also through a local holding the index), the k-th task in the list being this one
    /// (<c>Task.WaitAny([tcs.Task, shutdown.Task], timeout) == 0 &amp;&amp; tcs.Task.GetAwaiter().GetResult()</c>); or where
    /// the task <c>Task.WhenAny</c> returned is this one: <c>var first = Task.WhenAny(probe, Task.Delay(timeout)).Result;
    /// if (first == probe) m = probe.Result;</c> (ShokoServer's media probe).
    /// </summary>
    private bool ChosenByWaitAny(ISymbol symbol, IOperation use)
    {
        for (IOperation? current = use, parent = use.Parent; parent is not null && current != _root; current = parent, parent = parent.Parent)
        {
            var test = parent switch
            {
                IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } both when both.RightOperand == current => both.LeftOperand,
                IConditionalOperation conditional when conditional.WhenTrue == current => conditional.Condition,
                _ => null,
            };
            if (test is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals, LeftOperand: var left, RightOperand.ConstantValue: { HasValue: true, Value: int index } }
                && WaitAnyOf(left) is { Arguments.Length: > 0 } waitAny
                && Listed(waitAny.Arguments[0].Value) is { } tasks && index >= 0 && index < tasks.Length
                && SymbolEqualityComparer.Default.Equals(Referenced(Operations.WithoutConversions(tasks[index])), symbol))
            {
                return true;
            }
            if (test is IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals, LeftOperand: var one, RightOperand: var other }
                && (IsFirstOf(one, other) || IsFirstOf(other, one)))
            {
                return true;
            }
        }
        return false;

        // `first == task`: first holds what Task.WhenAny returned, task is this one.
        bool IsFirstOf(IOperation first, IOperation task) =>
            SymbolEqualityComparer.Default.Equals(Referenced(Operations.WithoutConversions(task)), symbol)
            && Referenced(Operations.WithoutConversions(first)) is { } holder && HoldsWhenAnyResult(holder);

        // A collection expression ([a, b]) has no operation of its own in the Roslyn the analyzers build against: its
        // elements are its children.
        static ImmutableArray<IOperation>? Listed(IOperation list) => Operations.WithoutConversions(list) switch
        {
            IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
            { Syntax.RawKind: (int)Microsoft.CodeAnalysis.CSharp.SyntaxKind.CollectionExpression } collection => collection.ChildOperations.ToImmutableArray(),
            _ => null,
        };
    }

    /// <summary>
    /// The <c>Task.WaitAny</c> call whose index <paramref name="value"/> is: the call itself, or a local the function stores
    /// one such call's index in and nothing else (<c>int index = Task.WaitAny(started, failed); if (index == 1) …</c>).
    /// </summary>
    private IInvocationOperation? WaitAnyOf(IOperation value)
    {
        value = Operations.WithoutConversions(value);
        if (value is ILocalReferenceOperation { Local: var local } && StoresTo(local).ToList() is { Count: 1 } stores)
            value = Operations.WithoutConversions(stores[0]);
        return value is IInvocationOperation { TargetMethod: { Name: "WaitAny", IsStatic: true, ContainingType.Name: "Task" } } waitAny ? waitAny : null;
    }

    /// <summary>
    /// Whether every store the function makes to <paramref name="variable"/> (and there is one) is what <c>Task.WhenAny</c>
    /// returned: awaited, or read with <c>.Result</c> or <c>GetAwaiter().GetResult()</c>.
    /// </summary>
    private bool HoldsWhenAnyResult(ISymbol variable)
    {
        bool given = false;
        foreach (var stored in StoresTo(variable))
        {
            if (!WhenAnyResult(stored))
                return false;
            given = true;
        }
        return given;

        static bool WhenAnyResult(IOperation value)
        {
            var task = Operations.WithoutConversions(value) switch
            {
                IAwaitOperation awaited => awaited.Operation,
                IPropertyReferenceOperation { Property.Name: "Result", Instance: { } instance } => instance,
                IInvocationOperation { TargetMethod.Name: "GetResult", Instance: IInvocationOperation { TargetMethod.Name: "GetAwaiter", Instance: { } instance } } => instance,
                _ => null,
            };
            return task is not null && IsWhenAny(task);
        }
    }

    /// <summary>
    /// Every store the function makes to <paramref name="variable"/>: the value of an initializer or a plain assignment;
    /// for any other store (a compound assignment, an increment, a <c>ref</c> or <c>out</c> argument), that operation,
    /// which holds no value of its own.
    /// </summary>
    private IEnumerable<IOperation> StoresTo(ISymbol variable)
    {
        foreach (var operation in _root.Descendants())
        {
            var stored = operation switch
            {
                IVariableDeclaratorOperation { Initializer.Value: var value } declarator when SymbolEqualityComparer.Default.Equals(declarator.Symbol, variable) => value,
                ISimpleAssignmentOperation { Target: var target, Value: var value } when Is(target) => value,
                IAssignmentOperation { Target: var target } other when Is(target) => other,
                IIncrementOrDecrementOperation { Target: var target } step when Is(target) => step,
                IArgumentOperation { Parameter.RefKind: not RefKind.None, Value: var argument } when Is(argument) => argument,
                _ => null,
            };
            if (stored is not null)
                yield return stored;
        }

        bool Is(IOperation target) => SymbolEqualityComparer.Default.Equals(Referenced(Operations.WithoutConversions(target)), variable);
    }

    /// <summary>A call of <c>Task.WhenAny</c>, also through <c>ConfigureAwait</c>.</summary>
    private static bool IsWhenAny(IOperation task)
    {
        task = Operations.WithoutConversions(task);
        if (task is IInvocationOperation { TargetMethod.Name: "ConfigureAwait", Instance: { } configured })
            task = Operations.WithoutConversions(configured);
        return task is IInvocationOperation { TargetMethod: { Name: "WhenAny", IsStatic: true, ContainingType.Name: "Task" } };
    }

    /// <summary>The variable a task is read from: a local, parameter or field, or the one holding its <c>TaskCompletionSource</c> (<c>tcs.Task</c>).</summary>
    private static ISymbol? Referenced(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation { Property: { Name: "Task", ContainingType.Name: "TaskCompletionSource" }, Instance: { } source } => Referenced(Operations.WithoutConversions(source)),
        _ => null,
    };
}
