using System;

namespace ExecutorGen;

/// <summary>
/// Declares that this state, method or type is only ever used by one thread at a time (an owning pump thread, an actor,
/// a request's own object), by design that the analyzers cannot see. The ExecutorGen analyzers do not report
/// unguarded shared state (EXG001, EXG010) or stop flags (EXG006) on a confined field or property, or on any access made
/// in a confined method or type.
/// </summary>
/// <remarks>The analyzers recognize any attribute named <c>ThreadConfinedAttribute</c>, so a project can declare its
/// own instead of referencing this one.</remarks>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property | AttributeTargets.Method | AttributeTargets.Class | AttributeTargets.Struct,
    AllowMultiple = false, Inherited = false)]
public sealed class ThreadConfinedAttribute : Attribute
{
}
