using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Readings of the clock: <c>DateTime.UtcNow</c>, <c>DateTime.Now</c>, <c>DateTimeOffset.UtcNow</c> and <c>.Now</c>,
/// <c>Environment.TickCount</c> and <c>.TickCount64</c>, <c>Stopwatch.GetTimestamp()</c>, a <c>TimeProvider</c>'s
/// <c>GetUtcNow()</c>, <c>GetLocalNow()</c> and <c>GetTimestamp()</c>, and the <c>Ticks</c> of any of them. Two threads
/// that store one each store "now", a few ticks apart (EXG001: <see cref="Access.StoresClock"/>).
/// </summary>
internal static class ClockReadings
{
    /// <summary>Whether <paramref name="value"/> (conversions aside) reads the clock.</summary>
    public static bool IsReading(IOperation value)
    {
        switch (Operations.WithoutConversions(value))
        {
            case IPropertyReferenceOperation { Property: { Name: "Ticks" }, Instance: { } instance }:
                return IsReading(instance);
            case IPropertyReferenceOperation { Instance: null, Property: { Name: "UtcNow" or "Now", ContainingType: var type } }:
                return type.SpecialType == SpecialType.System_DateTime || InSystem(type, "DateTimeOffset");
            case IPropertyReferenceOperation { Instance: null, Property: { Name: "TickCount" or "TickCount64", ContainingType: var type } }:
                return InSystem(type, "Environment");
            case IInvocationOperation { TargetMethod: { Name: "GetTimestamp", IsStatic: true, ContainingType: { Name: "Stopwatch" } stopwatch } }:
                return stopwatch.ContainingNamespace is { Name: "Diagnostics", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };
            case IInvocationOperation { TargetMethod: { Name: "GetUtcNow" or "GetLocalNow" or "GetTimestamp", ContainingType: var provider } }:
                for (var current = provider; current is not null; current = current.BaseType)
                {
                    if (InSystem(current, "TimeProvider"))
                        return true;
                }
                return false;
            default:
                return false;
        }
    }

    private static bool InSystem(ITypeSymbol type, string name) =>
        type.Name == name && type.ContainingNamespace is { Name: "System", ContainingNamespace.IsGlobalNamespace: true };
}
