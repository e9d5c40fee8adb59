using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// EXG004, for one type: blocking waits with neither a timeout nor a cancellation token in worker code:
/// <c>BlockingCollection.Take()</c>, <c>Task.Wait()</c>, <c>.Result</c>, <c>GetAwaiter().GetResult()</c>,
/// <c>Thread.Join()</c>, <c>Monitor.Wait(obj)</c>, <c>SemaphoreSlim.Wait()</c>, <c>WaitHandle.WaitOne()</c>.
/// A task already known complete (awaited earlier, tested with <c>IsCompleted</c>, the antecedent of a
/// continuation) is not waited on, so its <c>.Result</c> is not reported. Run by <see cref="WorkerCodeAnalyzer"/>.
/// </summary>
internal sealed class BlockingWaitRule
{
    private readonly ConcurrencySymbols _symbols;
    private readonly RecordedList<(ISymbol Region, Location Location, string Wait)> _waits = new();

    public BlockingWaitRule(ConcurrencySymbols symbols) => _symbols = symbols;

    public void Visit(IOperation operation, ISymbol region)
    {
        string? wait = operation.Kind switch
        {
            OperationKind.Invocation => BlockingCall((IInvocationOperation)operation, _symbols),
            OperationKind.PropertyReference => operation switch
            {
                IPropertyReferenceOperation { Property.Name: "Result", Instance: { } instance } property
                    when ConcurrencySymbols.Is(property.Property.ContainingType, _symbols.TaskOfT) && !KnownComplete(instance, property) => "Task.Result",
                _ => null,
            },
            _ => null,
        };
        if (wait is not null)
            _waits.Add((region, operation.Syntax.GetLocation(), wait));
    }

    public void Report(SymbolAnalysisContext context, WorkerRegions regions)
    {
        if (_waits.IsEmpty)
            return;
        var entries = regions.WorkerEntries();
        foreach (var (region, location, wait) in _waits.OrderBy(w => w.Location.SourceSpan.Start))
        {
            if (entries.TryGetValue(region, out string? entry))
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingWaitWithoutTimeout, location, wait, entry));
        }
    }

    private static string? BlockingCall(IInvocationOperation invocation, ConcurrencySymbols symbols)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        // Most calls are not waits: match the name before counting arguments.
        if (method.Name is not ("Take" or "Wait" or "Join" or "WaitOne" or "GetResult"))
            return null;
        int arguments = 0;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue)
                arguments++;
        }
        switch (method.Name)
        {
            case "Take" when arguments == 0 && ConcurrencySymbols.Is(type, symbols.BlockingCollection):
                return "BlockingCollection.Take()";
            case "Wait" when arguments == 0 && ConcurrencySymbols.IsOrDerives(type, symbols.Task):
                return invocation.Instance is { } task && KnownComplete(task, invocation) ? null : "Task.Wait()";
            case "Wait" when arguments == 0 && ConcurrencySymbols.Is(type, symbols.SemaphoreSlim):
                return "SemaphoreSlim.Wait()";
            case "Wait" when arguments == 1 && method.IsStatic && ConcurrencySymbols.Is(type, symbols.Monitor):
                return "Monitor.Wait(object)";
            case "Join" when arguments == 0 && ConcurrencySymbols.Is(type, symbols.Thread):
                return "Thread.Join()";
            case "WaitOne" when arguments == 0 && ConcurrencySymbols.IsOrDerives(type, symbols.WaitHandle):
                return "WaitHandle.WaitOne()";
            case "GetResult" when arguments == 0 && type is { Name: "TaskAwaiter" or "ValueTaskAwaiter" or "ConfiguredTaskAwaiter" or "ConfiguredValueTaskAwaiter" }
                && invocation.Instance is IInvocationOperation { Instance: { } awaited } getAwaiter
                && !KnownComplete(awaited, getAwaiter):
                return "GetAwaiter().GetResult()";
            default:
                return null;
        }
    }

    /// <summary>
    /// The task is a variable that was awaited earlier in the same body (<c>await Task.WhenAll(a, b)</c>, <c>await a</c>),
    /// or tested with <c>IsCompleted</c>/<c>IsCompletedSuccessfully</c> in an enclosing condition, or is the
    /// parameter of a continuation lambda.
    /// </summary>
    private static bool KnownComplete(IOperation task, IOperation use)
    {
        var symbol = Referenced(Operations.WithoutConversions(task));
        if (symbol is null)
            return false;
        if (symbol is IParameterSymbol { ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } })
            return true;
        IOperation? body = use;
        while (body.Parent is not null)
            body = body.Parent;
        int position = use.Syntax.SpanStart;
        foreach (var operation in body.Descendants())
        {
            if (operation is IAwaitOperation awaitOperation && awaitOperation.Syntax.Span.End <= position
                && awaitOperation.Operation.DescendantsAndSelf().Any(o => SymbolEqualityComparer.Default.Equals(Referenced(o), symbol)))
            {
                return true;
            }
            if (operation is IPropertyReferenceOperation { Property.Name: "IsCompleted" or "IsCompletedSuccessfully" or "IsFaulted" or "IsCanceled", Instance: { } instance }
                && SymbolEqualityComparer.Default.Equals(Referenced(Operations.WithoutConversions(instance)), symbol)
                && operation.Syntax.Span.End <= position)
            {
                return true;
            }
        }
        return false;
    }

    private static ISymbol? Referenced(IOperation operation) => operation switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        _ => null,
    };
}
