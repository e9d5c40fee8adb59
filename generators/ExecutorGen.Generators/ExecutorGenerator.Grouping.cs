using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>Groups handler candidates by class into executors, dropping classes that cannot have one.</summary>
    internal static class Grouping
    {
        public const string NoPartitionKeyType = "global::ExecutorGen.Runtime.NoPartitionKey";

        public static ImmutableArray<ExecutorModel> BuildExecutors(ImmutableArray<HandlerCandidate> candidates, CancellationToken cancellationToken)
        {
            var byClass = new Dictionary<string, List<HandlerCandidate>>();
            var classOrder = new List<string>();
            foreach (var candidate in candidates)
            {
                if (!byClass.TryGetValue(candidate.ClassKey, out var group))
                {
                    byClass.Add(candidate.ClassKey, group = new List<HandlerCandidate>());
                    classOrder.Add(candidate.ClassKey);
                }
                group.Add(candidate);
            }

            var executors = ImmutableArray.CreateBuilder<ExecutorModel>();
            foreach (var classKey in classOrder)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (BuildExecutor(byClass[classKey]) is { } executor)
                    executors.Add(executor);
            }
            return executors.ToImmutable();
        }

        private static ExecutorModel? BuildExecutor(List<HandlerCandidate> group)
        {
            // Unsupported class or handler: skipped as a whole (diagnostics come in a later issue).
            if (group[0].Class is not { } handlerClass || group.Any(c => c.Handler is null))
                return null;

            var handlers = group.Select(c => c.Handler!).ToImmutableArray();

            // Keyed handlers share one key space, so they must agree on the key type (diagnostic later).
            var keyTypes = handlers.Where(h => h.Key is not null).Select(h => h.Key!.Type).Distinct().ToList();
            if (keyTypes.Count > 1)
                return null;

            // Same name and same request parameter types: the Submit{Name}Async members would clash (diagnostic later).
            var signatures = handlers.Select(h => h.BaseName + "(" + string.Join(",", h.Parameters.Select(p => p.SignatureType)) + ")");
            if (signatures.Distinct().Count() != handlers.Length)
                return null;

            return new ExecutorModel(
                handlerClass,
                keyTypes.Count == 1 ? keyTypes[0] : NoPartitionKeyType,
                new EquatableArray<HandlerModel>(handlers));
        }
    }
}
