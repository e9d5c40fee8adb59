using System;
using System.Collections.Immutable;
using System.Linq;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG009 where a <c>[RequestHandler]</c> method awaits, or blocks on, an <c>Invoke…Async</c> of the executor
/// generated for its own class (<c>{Class}Executor</c>, or <c>{Class}ClusterExecutor</c>, whose grain call would wait for
/// the same grain).
/// </summary>
/// <remarks>
/// <code>
/// [RequestHandler(PartitionBy = nameof(userId))]
/// public async Task Login(string userId) => await _executor.InvokeUpdateAsync(userId, "x"); // EXG009
/// </code>
/// Code in a lambda or local function of the handler is not reported: it need not run while the handler waits.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HandlerAwaitsOwnExecutorAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The name of the diagnostic property present when the wait is an <c>await</c> statement whose result is unused.</summary>
    public const string SubmitFixableProperty = "SubmitFixable";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.HandlerAwaitsOwnExecutor);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName(PartitionByResolver.AttributeMetadataName) is not { } attribute)
                return;
            start.RegisterOperationAction(c => Analyze(c, attribute), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol attribute)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var target = invocation.TargetMethod;
        if (!target.Name.StartsWith("Invoke", StringComparison.Ordinal) || !target.Name.EndsWith("Async", StringComparison.Ordinal)
            || context.ContainingSymbol is not IMethodSymbol handler
            || !IsOwnExecutor(target.ContainingType, handler.ContainingType)
            || !handler.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute))
            || InsideNestedFunction(invocation))
        {
            return;
        }
        if (WaitOf(invocation) is not { } wait)
            return;
        var properties = wait is IAwaitOperation { Parent: IExpressionStatementOperation }
            ? ImmutableDictionary<string, string?>.Empty.Add(SubmitFixableProperty, "")
            : ImmutableDictionary<string, string?>.Empty;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerAwaitsOwnExecutor, invocation.Syntax.GetLocation(), properties, handler.Name, target.Name));
    }

    /// <summary>Whether <paramref name="type"/> is an executor generated for <paramref name="handlerClass"/>: declared beside it, named after it.</summary>
    private static bool IsOwnExecutor(INamedTypeSymbol? type, INamedTypeSymbol? handlerClass) =>
        type is not null && handlerClass is not null
        && (type.Name == handlerClass.Name + "Executor" || type.Name == handlerClass.Name + "ClusterExecutor")
        && SymbolEqualityComparer.Default.Equals(type.ContainingSymbol, handlerClass.ContainingSymbol);

    private static bool InsideNestedFunction(IOperation operation)
    {
        for (var parent = operation.Parent; parent is not null; parent = parent.Parent)
        {
            if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                return true;
        }
        return false;
    }

    /// <summary>
    /// The operation that waits for the invocation's task (one of <see cref="Operations.WaitedTask"/>'s waits, also through
    /// <c>ConfigureAwait</c>), or <see langword="null"/> (the task is kept, returned or passed on).
    /// </summary>
    private static IOperation? WaitOf(IInvocationOperation invocation)
    {
        // A wait sits at most three levels up: ConfigureAwait(...), GetAwaiter(), then GetResult().
        var parent = Operations.ParentWithoutConversions(invocation);
        for (int level = 0; parent is not null && level < 3; level++, parent = Operations.ParentWithoutConversions(parent))
        {
            if (Operations.WaitedTask(parent) is { } waited && Operations.WithoutAwait(waited) == invocation)
                return parent;
        }
        return null;
    }
}
