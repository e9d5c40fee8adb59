using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG007 on a <c>Thread</c> held in a local (or created inline) that is started but never joined, never
/// made a background thread and never stored anywhere: nothing can wait for it.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ThreadNeverJoinedAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ThreadNeverJoined);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (start.Compilation.GetTypeByMetadataName("System.Threading.Thread") is not { } thread)
                return;
            // Threads are rare: start from their creation and only then read the enclosing body.
            start.RegisterOperationAction(c => Analyze(c, thread), OperationKind.ObjectCreation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol thread)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        if (!IsThread(creation.Type, thread))
            return;
        string owner = context.ContainingSymbol.Name;
        var parent = Operations.ParentWithoutConversions(creation);
        if (parent is IInvocationOperation { TargetMethod.Name: "Start" } inline && inline.Instance == creation)
        {
            if (!SetsBackground(creation))
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ThreadNeverJoined, inline.Syntax.GetLocation(), "new Thread(...)", owner));
            return;
        }
        if (parent is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } || SetsBackground(creation))
            return;
        IOperation root = creation;
        while (root.Parent is not null)
            root = root.Parent;
        bool started = false, kept = false;
        foreach (var use in root.Descendants().OfType<ILocalReferenceOperation>())
        {
            if (!SymbolEqualityComparer.Default.Equals(use.Local, declarator.Symbol))
                continue;
            switch (use.Parent)
            {
                case IInvocationOperation { TargetMethod.Name: "Start" } invocation when invocation.Instance == use:
                    started = true;
                    break;
                case IInvocationOperation { TargetMethod.Name: "Join" } invocation when invocation.Instance == use:
                    kept = true;
                    break;
                case IPropertyReferenceOperation { Property.Name: "IsBackground" } property when property.Instance == use:
                    kept |= property.Parent is not ISimpleAssignmentOperation assignment || assignment.Target != property || !IsFalse(assignment.Value);
                    break;
                case IMemberReferenceOperation member when member.Instance == use:
                    break;
                case IInvocationOperation invocation when invocation.Instance == use:
                    break;
                default:
                    kept = true; // passed, stored, returned, reassigned, captured in a collection...
                    break;
            }
        }
        if (started && !kept)
        {
            var location = declarator.Symbol.Locations.FirstOrDefault() ?? creation.Syntax.GetLocation();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ThreadNeverJoined, location, declarator.Symbol.Name, owner));
        }
    }

    private static bool IsThread(ITypeSymbol? type, INamedTypeSymbol thread) => SymbolEqualityComparer.Default.Equals(type, thread);

    private static bool SetsBackground(IObjectCreationOperation creation) =>
        creation.Initializer?.Initializers.OfType<ISimpleAssignmentOperation>()
            .Any(a => a.Target is IPropertyReferenceOperation { Property.Name: "IsBackground" } && !IsFalse(a.Value)) == true;

    private static bool IsFalse(IOperation value) => value.ConstantValue is { HasValue: true, Value: false };
}
