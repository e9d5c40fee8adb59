using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG002 where an exception can escape a thread body, thread-pool item, timer callback, fire-and-forget task or
/// <c>async void</c> method or lambda (<see cref="ExceptionEscapesRule"/>, at the end of the compilation); and EXG008 on a
/// <c>[RequestHandler]</c> whose top-level <c>catch (Exception)</c> never rethrows.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ExceptionEscapesWorkerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ExceptionEscapesWorker, DiagnosticDescriptors.HandlerSwallowsExceptions);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var shared = ConcurrencyModel.For(start.Compilation, start.Options); // its symbols: resolved once for the three analyzers
            var symbols = shared.Symbols;
            if (symbols.Exception is null)
                return;
            ConcurrencyModel.Register(start, (model, end) => ExceptionEscapesRule.Report(model.Compose(), end));
            if (symbols.RequestHandlerAttribute is not null && shared.MayHaveHandlers(start.Compilation, start.CancellationToken))
            {
                start.RegisterOperationBlockAction(block =>
                {
                    if (block.OwningSymbol is IMethodSymbol method && symbols.IsHandler(method))
                    {
                        foreach (var root in block.OperationBlocks)
                            ReportSwallowing(block.ReportDiagnostic, method, root is IMethodBodyOperation body ? body.BlockBody : root, symbols);
                    }
                });
            }
        });
    }

    /// <summary>EXG008: a top-level try of the handler whose catch takes every exception and never throws.</summary>
    private static void ReportSwallowing(System.Action<Diagnostic> report, IMethodSymbol method, IOperation? body, ConcurrencySymbols symbols)
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
