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

        var executors = handlers
            .Collect()
            .WithTrackingName(TrackingNames.CollectedHandlers)
            .SelectMany(static (candidates, cancellationToken) => Grouping.BuildExecutors(candidates, cancellationToken))
            .WithTrackingName(TrackingNames.Executors);

        context.RegisterSourceOutput(executors, static (context, executor) =>
            context.AddSource(Emitter.HintName(executor), Emitter.Emit(executor)));

        // With ExecutorGen.Hosting referenced, each executor also gets services.Add{Class}Executor(). The
        // compilation changes on every edit; the bool it is reduced to does not, so the combined step stays cached.
        var hostingReferenced = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(HostingEmitter.MarkerMetadataName) is not null)
            .WithTrackingName(TrackingNames.HostingReferenced);

        var hostedExecutors = executors
            .Combine(hostingReferenced)
            .Where(static pair => pair.Right)
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(TrackingNames.HostedExecutors);

        context.RegisterSourceOutput(hostedExecutors, static (context, executor) =>
            context.AddSource(HostingEmitter.HintName(executor), HostingEmitter.Emit(executor)));

        // With ExecutorGen.Orleans referenced, each executor also gets {Class}ClusterExecutor, reduced to a bool the same way.
        var orleansReferenced = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(OrleansEmitter.MarkerMetadataName) is not null)
            .WithTrackingName(TrackingNames.OrleansReferenced);

        var clusterExecutors = executors
            .Combine(orleansReferenced)
            .Where(static pair => pair.Right)
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(TrackingNames.ClusterExecutors);

        context.RegisterSourceOutput(clusterExecutors, static (context, executor) =>
            context.AddSource(OrleansEmitter.HintName(executor), OrleansEmitter.Emit(executor)));
    }
}
