using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ExecutorGen.Generators.Model;
using ExecutorGen.Shared;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>Groups handler candidates by class into executors, setting aside the classes that cannot have one.</summary>
    internal static class Grouping
    {
        public static GroupedHandlers Group(ImmutableArray<HandlerCandidate> candidates, CancellationToken cancellationToken)
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
            var skipped = ImmutableArray.CreateBuilder<string>();
            foreach (var classKey in classOrder)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (BuildExecutor(byClass[classKey]) is { } executor)
                    executors.Add(executor);
                else
                    skipped.Add(classKey);
            }
            return new GroupedHandlers(new EquatableArray<ExecutorModel>(executors.ToImmutable()), new EquatableArray<string>(skipped.ToImmutable()));
        }

        private static ExecutorModel? BuildExecutor(List<HandlerCandidate> group)
        {
            // Unsupported class or handler: skipped as a whole; the generator says why (SkipReasons, EXG100-EXG107).
            if (group[0].Class is not { } handlerClass || group.Any(c => c.Handler is null))
                return null;

            var handlers = group.Select(c => c.Handler!).ToImmutableArray();
            var shapes = handlers.Select(h => h.Shape).ToArray();

            // Keyed handlers share one key space, so they must agree on the key type (EXG102); two handlers
            // with the same base name and request types would get clashing Submit{Name}Async members (EXG108).
            if (HandlerRules.KeyTypeConflicts(shapes).Any() || HandlerRules.NamedMemberCollisions(shapes).Any())
                return null;

            // Handlers whose request types another handler shares get only their named members (EXG109).
            var shared = new HashSet<int>(HandlerRules.SharedSignatures(shapes).Select(pair => pair.Handler));
            var ids = HandlerIds.Names(handlers);
            return new ExecutorModel(
                handlerClass,
                handlers.FirstOrDefault(h => h.Key is not null)?.Key!.Type ?? TypeNames.NoPartitionKey,
                new EquatableArray<HandlerModel>(handlers.Select((h, i) => h with { HasPlainOverloads = !shared.Contains(i), Id = ids[i] }).ToImmutableArray()));
        }
    }
}
