using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Where an object a call is made on, or handed to a call, or a field is written through, comes from, as evidence that
/// other requests have it too (object-level evidence, where <see cref="SharedTypes"/> is class-level): a static, so
/// everyone's; what the function's <c>this</c> holds (<c>_sessions</c>, <c>_options.Retry</c>, a value a library call hands
/// out of them), so shared exactly where <c>this</c> is; a parameter, shared where the caller gives a shared object; what a
/// method of the compilation returns or hands out through an <c>out</c> parameter (<c>_indexers.GetIndexer(name)</c>),
/// shared where that method hands out one of those; an object handed to a method that keeps it where others reach it; or a
/// local that a lambda handed out to run later captures. Decided when the summaries are composed (<see cref="Composition"/>).
/// Anything else (a new object, what a query or a library returns, what a method returns that it made) is no evidence: on
/// real web applications most of EXG001's false reports were on such objects, built per request and only not proven the
/// request's own (docs/analyzers-on-real-code.md, round 17). Which members hold nothing for others (<c>[ThreadConfined]</c>)
/// is the class-level gate's to say.
/// </summary>
internal readonly struct SharedRoot
{
    private SharedRoot(SharedRootKind kind, SyntaxNode? call = null, int ordinal = -1)
    {
        Kind = kind;
        Call = call;
        Ordinal = ordinal;
    }

    /// <summary>Reached from a static field or property: shared by every request.</summary>
    public static SharedRoot Static { get; } = new(SharedRootKind.Static);

    /// <summary>
    /// A local of the code around a lambda that the lambda captures, where the lambda is handed out to run later (stored,
    /// queued): whoever runs it has the object too (<c>_later.Enqueue(() => data.Size = size)</c>).
    /// </summary>
    public static SharedRoot Published { get; } = new(SharedRootKind.Published);

    /// <summary>Reached from <c>this</c>, through its fields and properties or a path not known (a local holding one).</summary>
    public static SharedRoot This { get; } = new(SharedRootKind.This);

    /// <summary>A parameter of the function, or what it reaches (by slot, as the reach numbers parameters).</summary>
    public static SharedRoot OfParameter(int slot) => new(SharedRootKind.Parameter, ordinal: slot);

    /// <summary>
    /// Returned by the call of a method of the compilation at <paramref name="call"/> (a <see cref="CallSite.Syntax"/> of
    /// the function), or handed out through its <c>out</c> parameter of ordinal <paramref name="output"/>.
    /// </summary>
    public static SharedRoot ResultOf(SyntaxNode call, int output = -1) => new(SharedRootKind.Result, call, output);

    /// <summary>
    /// An object of the function's own handed to a method of the compilation at <paramref name="call"/>, as its parameter of
    /// ordinal <paramref name="ordinal"/>, that keeps it where others reach it (<c>_registry.Add(id, worker)</c>), from then on.
    /// </summary>
    public static SharedRoot KeptBy(SyntaxNode call, int ordinal) => new(SharedRootKind.Kept, call, ordinal);

    public SharedRootKind Kind { get; }

    /// <summary>For <see cref="SharedRootKind.Result"/> and <see cref="SharedRootKind.Kept"/>: the call.</summary>
    public SyntaxNode? Call { get; }

    /// <summary>
    /// For <see cref="SharedRootKind.Result"/>, the ordinal of the <c>out</c> parameter it came through (-1 for the
    /// returned value); for <see cref="SharedRootKind.Kept"/>, of the parameter it was handed as; for
    /// <see cref="SharedRootKind.Parameter"/>, the slot.
    /// </summary>
    public int Ordinal { get; }
}

/// <summary>Where a <see cref="SharedRoot"/> starts.</summary>
internal enum SharedRootKind
{
    Static,
    Published,
    This,
    Parameter,
    Result,
    Kept,
}

/// <summary>
/// What a path from an entry point shows to be shared with other threads (<see cref="SharedRoot"/>): the function's
/// <c>this</c>, and its parameters (bit by ordinal, in a lambda by <see cref="SummaryWalker.CapturedSlots"/>' numbering).
/// Where <see cref="Reached.ThisShared"/> says "not shown to be the caller's own", this says "shown to be everyone's".
/// </summary>
internal readonly struct Evidence
{
    public Evidence(bool thisShared, ulong sharedParameters)
    {
        ThisShared = thisShared;
        SharedParameters = sharedParameters;
    }

    /// <summary>Whether <c>this</c> is an object a static, a singleton or a handler object holds, or one that such an object holds.</summary>
    public bool ThisShared { get; }

    /// <summary>The parameters (bit by slot) given such an object.</summary>
    public ulong SharedParameters { get; }

    /// <summary>Whether the parameter in slot <paramref name="slot"/> (-1: none) is given such an object.</summary>
    public bool Shares(int slot) => Reached.Owns(SharedParameters, slot);

    /// <summary>Whether this shows something <paramref name="other"/> does not.</summary>
    public bool AddsTo(Evidence other) => ThisShared && !other.ThisShared || (SharedParameters & ~other.SharedParameters) != 0;

    public Evidence Union(Evidence other) => new(ThisShared || other.ThisShared, SharedParameters | other.SharedParameters);
}

/// <summary>
/// What a method may hand its callers, as a value it returns or through an <c>out</c> parameter, where that is evidence of
/// an object others have (<see cref="SharedRoot"/>): decided shared when the summaries are composed, from what the call shows.
/// </summary>
internal sealed class HandedRoots
{
    /// <summary>What a static holds.</summary>
    public bool Static { get; set; }

    /// <summary>What the method's <c>this</c> holds, through any path (<c>return _indexers[name];</c>): shared where its object is.</summary>
    public bool FromThis { get; set; }

    /// <summary>The parameters (bit by slot) whose objects, or what they reach, it may hand back.</summary>
    public ulong Parameters { get; set; }

    /// <summary>What calls of methods of the compilation hand it (<c>return _inner.Find(id);</c>).</summary>
    public List<SharedRoot>? Results { get; set; }

    public void Add(SharedRoot root)
    {
        switch (root.Kind)
        {
            case SharedRootKind.Static or SharedRootKind.Published:
                Static = true;
                break;
            case SharedRootKind.This:
                FromThis = true;
                break;
            case SharedRootKind.Parameter:
                Parameters |= 1UL << root.Ordinal;
                break;
            default:
                (Results ??= new List<SharedRoot>()).Add(root);
                break;
        }
    }
}
