using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG002 on the first statement that can throw outside a <c>try</c> catching <c>Exception</c> in a thread
/// body, thread-pool item, timer callback, fire-and-forget task or <c>async void</c> method or lambda; and EXG008
/// on a <c>[RequestHandler]</c> whose top-level <c>catch (Exception)</c> never rethrows.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExceptionEscapesWorkerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ExceptionEscapesWorker, DiagnosticDescriptors.HandlerSwallowsExceptions);

    private const string Crashes = "it terminates the process";
    private const string Lost = "the discarded task loses it silently";

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = new ConcurrencySymbols(start.Compilation);
            if (symbols.Exception is null)
                return;
            start.RegisterSymbolStartAction(typeStart =>
            {
                if (typeStart.Symbol is not INamedTypeSymbol type)
                    return;
                var methodBodies = new RecordedMap<IOperation>();
                var methodRoots = new RecordedMap<string>();
                typeStart.RegisterOperationBlockAction(block =>
                {
                    if (block.OwningSymbol is IMethodSymbol method)
                    {
                        foreach (var root in block.OperationBlocks)
                            AnalyzeBody(block, method, root, symbols, methodBodies, methodRoots);
                    }
                });
                // Lambdas, local functions and method references come from the driver's one walk over each block,
                // shared by every analyzer's operation actions, rather than from a walk of this analyzer's own.
                typeStart.RegisterOperationAction(
                    c => AnalyzeFunction(c, symbols, type, methodRoots),
                    OperationKind.AnonymousFunction, OperationKind.LocalFunction, OperationKind.MethodReference);
                typeStart.RegisterSymbolEndAction(end =>
                {
                    foreach (var pair in methodRoots)
                    {
                        if (!methodBodies.TryGetValue(pair.Key, out var body) || FirstUnprotected(body, symbols) is not { } throwing)
                            continue;
                        var declaration = pair.Key.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(end.CancellationToken).GetLocation() ?? body.Syntax.GetLocation();
                        end.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ExceptionEscapesWorker, throwing.Syntax.GetLocation(), new[] { declaration }, pair.Value.Split('|')[0], pair.Value.Split('|')[1]));
                    }
                });
            }, SymbolKind.NamedType);
        });
    }

    private static void AnalyzeBody(
        OperationBlockAnalysisContext context, IMethodSymbol method, IOperation root, ConcurrencySymbols symbols,
        RecordedMap<IOperation> methodBodies, RecordedMap<string> methodRoots)
    {
        if (root is not (IBlockOperation or IMethodBodyOperation))
            return;
        var body = root is IMethodBodyOperation methodBody ? (IOperation?)methodBody.BlockBody ?? methodBody.ExpressionBody : root;
        if (body is null || method.MethodKind is not (MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation))
            return;
        methodBodies.TryAdd(method, body);
        if (method.IsAsync && method.ReturnsVoid)
            methodRoots.TryAdd(method, $"async void method '{method.Name}'|{Crashes}", SourceOrder.Of(method));
        if (symbols.IsHandler(method))
            ReportSwallowing(context.ReportDiagnostic, method, body, symbols);
    }

    private static void AnalyzeFunction(
        OperationAnalysisContext context, ConcurrencySymbols symbols, INamedTypeSymbol type, RecordedMap<string> methodRoots)
    {
        string method = context.ContainingSymbol.Name;
        switch (context.Operation)
        {
            case ILocalFunctionOperation local:
                if (local.Symbol.IsAsync && local.Symbol.ReturnsVoid)
                    Check(context.ReportDiagnostic, local.Body, local.Syntax, $"async void local function '{local.Symbol.Name}'", Crashes, symbols);
                break;
            case IAnonymousFunctionOperation lambda:
            {
                string? what = null, consequence = null;
                if (symbols.StarterOf(lambda) is { } starter && Escapes(starter, lambda, out consequence))
                    what = $"the {Describe(starter)} in '{method}'";
                else if (lambda.Symbol.IsAsync && lambda.Symbol.ReturnsVoid)
                    (what, consequence) = ($"an async void lambda in '{method}'", Crashes);
                if (what is not null)
                    Check(context.ReportDiagnostic, lambda.Body, lambda.Syntax, what, consequence!, symbols);
                break;
            }
            case IMethodReferenceOperation reference when symbols.StarterOf(reference) is { } starter && Escapes(starter, reference, out string? consequence):
            {
                var target = reference.Method.OriginalDefinition;
                string what = $"'{target.Name}', the {Describe(starter)} in '{method}'";
                if (target.MethodKind == MethodKind.LocalFunction)
                {
                    if (LocalFunction(reference, target) is { Body: { } localBody } local)
                        Check(context.ReportDiagnostic, localBody, local.Syntax, what, consequence!, symbols);
                }
                else if (SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, type))
                {
                    methodRoots.TryAdd(target, $"{what}|{consequence}", reference.Syntax.GetLocation());
                }
                break;
            }
        }
    }

    /// <summary>The declaration of a local function handed to a starter, searched for in the enclosing body (rare: only then).</summary>
    private static ILocalFunctionOperation? LocalFunction(IOperation reference, IMethodSymbol target)
    {
        var root = reference;
        while (root.Parent is not null)
            root = root.Parent;
        return root.Descendants().OfType<ILocalFunctionOperation>().FirstOrDefault(l => SymbolEqualityComparer.Default.Equals(l.Symbol, target));
    }

    private static void Check(System.Action<Diagnostic> report, IOperation? body, SyntaxNode owner, string what, string consequence, ConcurrencySymbols symbols)
    {
        if (body is null || FirstUnprotected(body, symbols) is not { } throwing)
            return;
        report(Diagnostic.Create(DiagnosticDescriptors.ExceptionEscapesWorker, throwing.Syntax.GetLocation(), new[] { owner.GetLocation() }, what, consequence));
    }

    /// <summary>Thread, pool and timer bodies crash the process; a task's exception is lost only when nobody keeps the task.</summary>
    private static bool Escapes(StarterKind starter, IOperation function, out string? consequence)
    {
        consequence = Crashes;
        switch (starter)
        {
            case StarterKind.Thread or StarterKind.ThreadPool or StarterKind.Timer:
                return true;
            case StarterKind.Task:
                consequence = Lost;
                var call = function.Parent;
                while (call is not null and not IInvocationOperation)
                    call = call.Parent;
                return Operations.ParentWithoutConversions(call!) switch
                {
                    IExpressionStatementOperation => true,
                    ISimpleAssignmentOperation { Target: IDiscardOperation } => true,
                    _ => false,
                };
            default:
                return false;
        }
    }

    private static string Describe(StarterKind starter) => starter switch
    {
        StarterKind.Thread => "thread body",
        StarterKind.ThreadPool => "thread-pool item",
        StarterKind.Task => "fire-and-forget task",
        _ => "timer callback",
    };

    /// <summary>The first operation that can throw and is not inside the body of a try that catches Exception.</summary>
    private static IOperation? FirstUnprotected(IOperation body, ConcurrencySymbols symbols)
    {
        var stack = new Stack<IOperation>();
        stack.Push(body);
        while (stack.Count > 0)
        {
            var operation = stack.Pop();
            if (operation is IAnonymousFunctionOperation or ILocalFunctionOperation)
                continue;
            if (operation is ITryOperation @try && CatchesAll(@try, symbols))
            {
                // The try body is covered. What escapes from here on is a rethrow: reporting, logging and cleanup
                // in catch and finally blocks are not counted.
                var rethrow = @try.Catches.SelectMany(c => c.Handler.Descendants()).FirstOrDefault(o => o is IThrowOperation);
                if (rethrow is not null)
                    return rethrow;
                continue;
            }
            if (CanThrow(operation))
                return operation;
            foreach (var child in operation.ChildOperations.Reverse())
                stack.Push(child);
        }
        return null;
    }

    private static bool CatchesAll(ITryOperation @try, ConcurrencySymbols symbols) =>
        @try.Catches.Any(c => c.Filter is null
            && (ConcurrencySymbols.Is(c.ExceptionType, symbols.Exception) || c.ExceptionType.SpecialType == SpecialType.System_Object));

    private static bool CanThrow(IOperation operation) => operation switch
    {
        IInvocationOperation or IObjectCreationOperation or IThrowOperation or IArrayElementReferenceOperation or IAwaitOperation => true,
        IPropertyReferenceOperation or IDynamicInvocationOperation or IDynamicMemberReferenceOperation or IDynamicIndexerAccessOperation => true,
        IConversionOperation { IsImplicit: false, Conversion.IsNumeric: false } conversion => !conversion.Operand.Type?.IsValueType ?? true,
        IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide or BinaryOperatorKind.Remainder } binary => binary.Type?.SpecialType is not (SpecialType.System_Double or SpecialType.System_Single),
        _ => false,
    };

    /// <summary>EXG008: a top-level try of the handler whose catch takes every exception and never throws.</summary>
    private static void ReportSwallowing(System.Action<Diagnostic> report, IMethodSymbol method, IOperation body, ConcurrencySymbols symbols)
    {
        if (body is not IBlockOperation block)
            return;
        foreach (var @try in block.Operations.OfType<ITryOperation>())
        {
            foreach (var handler in @try.Catches)
            {
                bool all = handler.Filter is null
                    && (ConcurrencySymbols.Is(handler.ExceptionType, symbols.Exception) || handler.ExceptionType.SpecialType == SpecialType.System_Object);
                if (all && !handler.Handler.DescendantsAndSelf().Any(o => o is IThrowOperation))
                {
                    var location = handler.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.CatchClauseSyntax clause
                        ? Location.Create(clause.SyntaxTree, clause.CatchKeyword.Span)
                        : handler.Syntax.GetLocation();
                    report(Diagnostic.Create(DiagnosticDescriptors.HandlerSwallowsExceptions, location, method.Name));
                }
            }
        }
    }
}
