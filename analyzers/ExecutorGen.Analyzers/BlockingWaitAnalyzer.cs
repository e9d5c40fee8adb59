using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG004 on blocking waits with neither a timeout nor a cancellation token in worker code:
/// <c>BlockingCollection.Take()</c>, <c>Task.Wait()</c>, <c>.Result</c>, <c>GetAwaiter().GetResult()</c>,
/// <c>Thread.Join()</c>, <c>Monitor.Wait(obj)</c>, <c>SemaphoreSlim.Wait()</c>, <c>WaitHandle.WaitOne()</c>.
/// A task already known complete (awaited earlier, tested with <c>IsCompleted</c>, the antecedent of a
/// continuation) is not waited on, so its <c>.Result</c> is not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class BlockingWaitAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.BlockingWaitWithoutTimeout);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        WorkerRegions.Register(context, s => s.Task is not null, Visit);
    }

    private static void Visit(WorkerRegions regions, IOperation operation, ISymbol region)
    {
        var symbols = regions.Symbols;
        string? wait = operation switch
        {
            IInvocationOperation invocation => BlockingCall(invocation, symbols),
            IPropertyReferenceOperation { Property.Name: "Result", Instance: { } instance } property
                when ConcurrencySymbols.Is(property.Property.ContainingType, symbols.TaskOfT) && !KnownComplete(instance, property) => "Task.Result",
            _ => null,
        };
        if (wait is null)
            return;
        var location = operation.Syntax.GetLocation();
        regions.Add(region, entry => Diagnostic.Create(DiagnosticDescriptors.BlockingWaitWithoutTimeout, location, wait, entry));
    }

    private static string? BlockingCall(IInvocationOperation invocation, ConcurrencySymbols symbols)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;
        int arguments = Operations.ExplicitArguments(invocation).Length;
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
