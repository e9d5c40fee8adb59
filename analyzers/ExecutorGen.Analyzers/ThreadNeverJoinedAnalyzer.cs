using System.Collections.Generic;
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
            start.RegisterOperationBlockAction(block => Analyze(block, thread));
        });
    }

    private static void Analyze(OperationBlockAnalysisContext context, INamedTypeSymbol thread)
    {
        string owner = context.OwningSymbol.Name;
        var locals = new Dictionary<ILocalSymbol, (IObjectCreationOperation Creation, List<ILocalReferenceOperation> Uses)>(SymbolEqualityComparer.Default);
        foreach (var root in context.OperationBlocks)
        {
            foreach (var operation in root.DescendantsAndSelf())
            {
                switch (operation)
                {
                    case IVariableDeclaratorOperation { Initializer.Value: { } value } declarator
                        when Operations.WithoutConversions(value) is IObjectCreationOperation creation && IsThread(creation.Type, thread):
                        locals[declarator.Symbol] = (creation, new List<ILocalReferenceOperation>());
                        break;
                    case IInvocationOperation { TargetMethod.Name: "Start", Instance: IObjectCreationOperation inline }
                        when IsThread(inline.Type, thread) && !SetsBackground(inline):
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ThreadNeverJoined, operation.Syntax.GetLocation(), "new Thread(...)", owner));
                        break;
                }
            }
        }
        if (locals.Count == 0)
            return;
        foreach (var root in context.OperationBlocks)
        {
            foreach (var reference in root.DescendantsAndSelf().OfType<ILocalReferenceOperation>())
            {
                if (locals.TryGetValue(reference.Local, out var entry))
                    entry.Uses.Add(reference);
            }
        }
        foreach (var pair in locals)
        {
            var (creation, uses) = pair.Value;
            if (SetsBackground(creation))
                continue;
            bool started = false, kept = false;
            foreach (var use in uses)
            {
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
                    case ISimpleAssignmentOperation reassignment when reassignment.Target == use:
                        kept = true; // reassigned: too clever to follow
                        break;
                    default:
                        kept = true; // passed, stored, returned, captured in a collection...
                        break;
                }
            }
            if (started && !kept)
            {
                var location = pair.Key.Locations.FirstOrDefault() ?? creation.Syntax.GetLocation();
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ThreadNeverJoined, location, pair.Key.Name, owner));
            }
        }
    }

    private static bool IsThread(ITypeSymbol? type, INamedTypeSymbol thread) => SymbolEqualityComparer.Default.Equals(type, thread);

    private static bool SetsBackground(IObjectCreationOperation creation) =>
        creation.Initializer?.Initializers.OfType<ISimpleAssignmentOperation>()
            .Any(a => a.Target is IPropertyReferenceOperation { Property.Name: "IsBackground" } && !IsFalse(a.Value)) == true;

    private static bool IsFalse(IOperation value) => value.ConstantValue is { HasValue: true, Value: false };
}
