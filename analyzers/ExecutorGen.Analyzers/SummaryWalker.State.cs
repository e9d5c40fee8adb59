using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>The object a worker lambda is handed as its state, where the start says what it is.</summary>
internal sealed partial class SummaryWalker
{
    /// <summary>
    /// The class of the state object, when <paramref name="instance"/> is the state parameter of the lambda being walked
    /// (<c>s =&gt; ((IRunnable)s).Run()</c>) and its start hands it an object of a known class: the <c>state</c>
    /// argument of the call or constructor the lambda is passed to (<c>ThreadPool.QueueUserWorkItem(cb, watcher)</c>,
    /// <c>new Timer(cb, this, …)</c>), or the argument of <c>thread.Start(watcher)</c> for a <c>new Thread(cb)</c> held in a
    /// local. An interface call on the state then runs that class's implementation, not every implementation of the
    /// interface in the compilation (DotNetty's thread-death watcher).
    /// </summary>
    private INamedTypeSymbol? StateClass(IOperation? instance)
    {
        if (instance is null || Operations.WithoutConversions(instance) is not IParameterReferenceOperation { Parameter: { Type.SpecialType: SpecialType.System_Object } parameter }
            || !SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _function.Symbol)
            || _root.Parent is not IAnonymousFunctionOperation lambda
            || lambda.Parent is not IDelegateCreationOperation { Parent: IArgumentOperation { Parent: { } start } })
        {
            return null;
        }
        var arguments = start switch
        {
            IInvocationOperation invocation => invocation.Arguments,
            IObjectCreationOperation creation => creation.Arguments,
            _ => default,
        };
        if (arguments.IsDefaultOrEmpty)
            return null;
        if (arguments.FirstOrDefault(a => a.Parameter?.Name == "state") is { } state)
            return ClassOf(state.Value);
        // new Thread(cb): the state is what the thread's Start is given, later in the same member.
        if (start is IObjectCreationOperation { Type.Name: "Thread" } thread && thread.Parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var local } })
        {
            IOperation member = thread;
            while (member.Parent is not null)
                member = member.Parent;
            foreach (var operation in member.Descendants())
            {
                if (operation is IInvocationOperation { TargetMethod.Name: "Start", Arguments.Length: 1 } call
                    && call.Instance is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    return ClassOf(call.Arguments[0].Value);
                }
            }
        }
        return null;

        static INamedTypeSymbol? ClassOf(IOperation value) =>
            Operations.WithoutConversions(value).Type is INamedTypeSymbol { TypeKind: TypeKind.Class, SpecialType: SpecialType.None } type ? type : null;
    }
}
