using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// EXG004 over the composed summaries: blocking waits with neither a timeout nor a cancellation token
/// (<c>BlockingCollection.Take()</c>, <c>Task.Wait()</c>, <c>.Result</c>, <c>GetAwaiter().GetResult()</c>,
/// <c>Thread.Join()</c>, <c>Monitor.Wait(obj)</c>, <c>SemaphoreSlim.Wait()</c>, <c>WaitHandle.WaitOne()</c>) in worker
/// code, in any type the worker reaches. <see cref="SummaryWalker"/> leaves out tasks known to be complete and waits
/// listed as bounded in <c>.editorconfig</c>.
/// </summary>
internal static class BlockingWaitRule
{
    public static void Report(Composition composition, CompilationAnalysisContext context)
    {
        foreach (var function in composition.Functions.Values)
        {
            if (function.Waits.Count == 0)
                continue;
            var reached = composition.ReachedFrom(function).FirstOrDefault();
            if (reached.Entry is null)
                continue;
            foreach (var wait in function.Waits)
            {
                // A helper's parameter that every caller knows to be complete (checked IsCompleted, or awaited it).
                if (wait.Parameter >= 0 && composition.KnownCallers(function) is { } callers && callers.All(c => (c.Site.CompleteArguments >> wait.Parameter & 1) == 1))
                    continue;
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.BlockingWaitWithoutTimeout, wait.Syntax.GetLocation(), wait.Wait, reached.Entry.Description));
            }
        }
    }
}
