using ExecutorGen.Generators.Model;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Generators;

/// <summary>
/// Generates one <c>{HandlerClass}Executor</c> per class with <c>[RequestHandler]</c> methods: typed submit and
/// invoke methods over the runtime's <c>ExecutorEngine</c>, with a generated envelope and dispatcher.
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
    }
}
