using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Task completion sources of a class that only ever completes them with a result (EXG002): waiting on their task
/// (<c>_done.Task.GetAwaiter().GetResult()</c>, <c>await _done.Task</c>) blocks, but cannot throw. The walk records which
/// functions fault or cancel a completion source (<c>SetException</c>, <c>TrySetCanceled</c>, ...) or hand one to other
/// code (as an argument, a return value, a member of another object), which could fault it;
/// <see cref="Composition.LetsCompletionSourcesFail"/> decides per class once every function is known.
/// </summary>
internal static class ResultOnlySources
{
    public static bool IsCompletionSource(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "TaskCompletionSource" } named && named.ContainingNamespace?.ToDisplayString() == "System.Threading.Tasks";

    /// <summary>Whether a call fails or cancels the completion source it is made on.</summary>
    public static bool Faults(IInvocationOperation invocation) =>
        invocation.TargetMethod.Name is "SetException" or "TrySetException" or "SetCanceled" or "TrySetCanceled"
        && IsCompletionSource(invocation.TargetMethod.ContainingType);

    /// <summary>
    /// The class whose completion source <paramref name="task"/> is the task of (<c>source.Task</c>, with <c>source</c> a
    /// field of the class of <paramref name="function"/>, or a local only ever set from such fields or a new source); or
    /// null. Waiting on it throws only if that class lets its sources fail.
    /// </summary>
    public static INamedTypeSymbol? OwnerOfSource(IOperation task, IOperation root, ISymbol function)
    {
        if (Operations.WithoutConversions(task) is not IPropertyReferenceOperation { Property.Name: "Task", Instance: { } instance }
            || !IsCompletionSource(instance.Type) || function.ContainingType?.OriginalDefinition is not { } owner)
        {
            return null;
        }
        bool own = Operations.WithoutConversions(instance) switch
        {
            IFieldReferenceOperation field => IsOwnField(field, owner),
            ILocalReferenceOperation local => SetOnlyFromOwnSources(local.Local, root, owner),
            _ => false,
        };
        return own ? owner : null;
    }

    private static bool IsOwnField(IFieldReferenceOperation field, INamedTypeSymbol owner) =>
        SymbolEqualityComparer.Default.Equals(field.Field.ContainingType.OriginalDefinition, owner);

    /// <summary>Declared in <paramref name="root"/> (not captured from code around it) and only ever set from the class's own sources.</summary>
    private static bool SetOnlyFromOwnSources(ILocalSymbol local, IOperation root, INamedTypeSymbol owner)
    {
        if (local.DeclaringSyntaxReferences.FirstOrDefault() is not { } declaration || !root.Syntax.Span.Contains(declaration.Span))
            return false;
        foreach (var value in Operations.StoresTo(local, root))
        {
            switch (Operations.WithoutConversions(value))
            {
                case IObjectCreationOperation:
                case ILiteralOperation { ConstantValue: { HasValue: true, Value: null } }:
                case IFieldReferenceOperation field when IsOwnField(field, owner):
                    continue;
                default:
                    return false; // a parameter, a call's result, TryGetValue(key, out source): from wherever that got it
            }
        }
        return true;
    }

    /// <summary>
    /// Whether <paramref name="operation"/> hands a completion source to other code: passes it as an argument (not as the
    /// object a call is made on), returns it, or stores it in a member of another object.
    /// </summary>
    public static bool HandsOut(IOperation operation) => operation switch
    {
        IArgumentOperation argument => IsCompletionSource(argument.Value.Type),
        IReturnOperation { ReturnedValue: { } returned } => IsCompletionSource(returned.Type),
        ISimpleAssignmentOperation { Target: IMemberReferenceOperation { Instance: { } instance } } assignment =>
            instance is not IInstanceReferenceOperation && IsCompletionSource(assignment.Value.Type),
        _ => false,
    };
}
