namespace ExecutorGen.Generators.Model;

/// <summary>The compilation's handlers grouped by class: an executor for each class that can have one, and the rest.</summary>
/// <param name="Executors">One executor per class that gets one, in the order the classes were first seen.</param>
/// <param name="SkippedClasses">The metadata names of the classes that get none (an EXG1xx error says why).</param>
internal sealed record GroupedHandlers(EquatableArray<ExecutorModel> Executors, EquatableArray<string> SkippedClasses);
