namespace ExecutorGen.Generators.Model;

/// <summary>Where a keyed handler's partition key is read from.</summary>
/// <param name="ParameterIndex">The parameter holding the key, or whose member holds it.</param>
/// <param name="Path">The members read from that parameter to the key, in order; empty when the parameter is the key.</param>
/// <param name="Type">The key type, fully qualified, without a nullable reference annotation.</param>
/// <param name="GuardParameterNull">The key is a member of a parameter that can be null (not a value type): a null request is refused with an <see cref="System.ArgumentNullException"/> naming the parameter.</param>
/// <param name="SuppressKeyNull">The key expression is nullable-annotated (assigned to the key with <c>!</c>).</param>
/// <param name="SignatureType">The key type as the CLR sees it, for comparing the key types of a class's handlers (EXG102).</param>
internal sealed record KeyModel(int ParameterIndex, EquatableArray<KeyStepModel> Path, string Type, bool GuardParameterNull, bool SuppressKeyNull, string SignatureType);

/// <summary>One member read on the way to a key (<c>Customer</c> in <c>"Customer.Id"</c>).</summary>
/// <param name="Name">The member name, without <c>@</c>.</param>
/// <param name="MayBeNull">A reference type: when not the last step, its value is checked for null before the next read.</param>
internal sealed record KeyStepModel(string Name, bool MayBeNull)
{
    /// <summary>The member name as generated code writes it.</summary>
    public string Identifier => Identifiers.Escape(Name);
}
