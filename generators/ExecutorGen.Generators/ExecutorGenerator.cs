using System;
using System.Linq;
using ExecutorGen.Generators.Model;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Generators;

/// <summary>
/// Generates one <c>{HandlerClass}Executor</c> per class with <c>[RequestHandler]</c> methods: typed submit and
/// invoke methods over the runtime's <c>ExecutorEngine</c>, with a generated envelope and dispatcher; and, when
/// the compilation references ExecutorGen.Hosting, a <c>services.Add{HandlerClass}Executor()</c> registration; when it
/// references ExecutorGen.Orleans, a <c>{HandlerClass}ClusterExecutor</c> and <c>services.Add{HandlerClass}ClusterHandlers()</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class ExecutorGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var handlers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                PartitionByResolver.AttributeMetadataName,
                static (node, _) => node is MethodDeclarationSyntax,
                Parser.Parse)
            .Where(static candidate => candidate is not null)
            .Select(static (candidate, _) => candidate!)
            .WithTrackingName(TrackingNames.Handlers);

        var grouped = handlers
            .Collect()
            .WithTrackingName(TrackingNames.CollectedHandlers)
            .Select(static (candidates, cancellationToken) => Grouping.Group(candidates, cancellationToken));

        var executors = grouped
            .SelectMany(static (grouped, _) => grouped.Executors.Items)
            .WithTrackingName(TrackingNames.Executors);

        context.RegisterSourceOutput(executors, static (context, executor) =>
            context.AddSource(Emitter.HintName(executor), Emitter.Emit(executor)));

        // Why a class got no executor (see SkipReasons). The compilation, which changes on every edit, is looked at only
        // when a class was skipped.
        var skippedClasses = grouped
            .Select(static (grouped, _) => grouped.SkippedClasses)
            .WithTrackingName(TrackingNames.SkippedClasses);
        context.RegisterSourceOutput(context.CompilationProvider.Combine(skippedClasses), static (context, pair) =>
            SkipReasons.Report(context, pair.Left, pair.Right));

        // With ExecutorGen.Hosting referenced, each executor also gets services.Add{Class}Executor(); with
        // ExecutorGen.Orleans, {Class}ClusterExecutor and services.Add{Class}ClusterHandlers().
        AddWhenReferenced(context, executors, HostingEmitter.MarkerMetadataName,
            TrackingNames.HostingReferenced, TrackingNames.HostedExecutors, HostingEmitter.HintName, HostingEmitter.Emit);
        AddWhenReferenced(context, executors, OrleansEmitter.MarkerMetadataName,
            TrackingNames.OrleansReferenced, TrackingNames.ClusterExecutors, OrleansEmitter.HintName, OrleansEmitter.Emit);
    }

    /// <summary>
    /// Adds a file per executor, made by <paramref name="emit"/>, where the compilation references the package whose marker
    /// type is <paramref name="markerMetadataName"/>. The compilation changes on every edit; the bool it is reduced to
    /// does not, so the combined step stays cached.
    /// </summary>
    private static void AddWhenReferenced(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ExecutorModel> executors,
        string markerMetadataName, string referencedStep, string executorsStep, Func<ExecutorModel, string> hintName, Func<ExecutorModel, string> emit)
    {
        var referenced = context.CompilationProvider
            .Select((compilation, _) => compilation.GetTypeByMetadataName(markerMetadataName) is not null)
            .WithTrackingName(referencedStep);

        var referencingExecutors = executors
            .Combine(referenced)
            .Where(static pair => pair.Right)
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(executorsStep);

        context.RegisterSourceOutput(referencingExecutors, (context, executor) => context.AddSource(hintName(executor), emit(executor)));
    }
}
