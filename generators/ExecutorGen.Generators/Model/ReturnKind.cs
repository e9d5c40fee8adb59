namespace ExecutorGen.Generators.Model;

/// <summary>The supported shapes of a handler's return type.</summary>
internal enum ReturnKind
{
    Void,
    Task,
    ValueTask,

    /// <summary>A plain value <c>T</c>.</summary>
    Value,

    /// <summary><c>Task&lt;T&gt;</c>.</summary>
    TaskOfT,

    /// <summary><c>ValueTask&lt;T&gt;</c>.</summary>
    ValueTaskOfT,
}
