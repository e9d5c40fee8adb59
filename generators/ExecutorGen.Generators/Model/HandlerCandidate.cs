namespace ExecutorGen.Generators.Model;

/// <summary>What the parser learned from one <c>[RequestHandler]</c> method.</summary>
/// <param name="Class">The declaring class; <see langword="null"/> when no executor can be generated for it.</param>
/// <param name="ClassKey">
/// The declaring class's metadata name (<c>N.Outer+Inner</c>), to group handlers by and to find the class again where
/// the generator reports why it skipped it.
/// </param>
/// <param name="Handler">The handler; <see langword="null"/> when it is unsupported, which skips its whole class.</param>
internal sealed record HandlerCandidate(string ClassKey, HandlerClassModel? Class, HandlerModel? Handler);
