using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// A lock named after a field (<c>_outstandingLock</c> for <c>_outstanding</c>, <c>_pendingGate</c>, <c>m_syncLock</c>)
/// is that field's lock. A write of another field under it, in a statement that uses the named field
/// (<c>lock (_outstandingLock) { _sent.AddRange(_outstanding); }</c>), is there because of the named field: no evidence
/// that the lock guards the other one (Wolverine's per-message context).
/// </summary>
internal static class IncidentalLock
{
    private static readonly string[] Suffixes = { "Lock", "Locker", "Sync", "SyncRoot", "Gate", "Mutex", "Guard" };

    /// <summary>Whether every lock of <paramref name="held"/> is named after a field that the statement of <paramref name="write"/> uses, other than <paramref name="target"/>.</summary>
    public static bool For(SyntaxNode write, ISymbol target, HeldLocks held)
    {
        var statement = write.FirstAncestorOrSelf<StatementSyntax>();
        if (statement is null)
            return false;
        for (var current = held; current is not null; current = current.Next)
        {
            if (Stem(current.Lock.Name) is not { } named || named == Stem(target.Name, suffixes: false)
                || !statement.DescendantNodes().OfType<IdentifierNameSyntax>().Any(name => Stem(name.Identifier.ValueText, suffixes: false) == named))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The name without its <c>_</c>, <c>m_</c> or <c>s_</c> prefix and, with <paramref name="suffixes"/>, its lock suffix, in lower case; null when no lock suffix is there to strip.</summary>
    private static string? Stem(string name, bool suffixes = true)
    {
        var stem = name.StartsWith("m_", System.StringComparison.Ordinal) || name.StartsWith("s_", System.StringComparison.Ordinal) ? name.Substring(2) : name.TrimStart('_');
        if (!suffixes)
            return stem.ToLowerInvariant();
        foreach (var suffix in Suffixes)
        {
            if (stem.Length > suffix.Length && stem.EndsWith(suffix, System.StringComparison.Ordinal))
                return stem.Substring(0, stem.Length - suffix.Length).ToLowerInvariant();
        }
        return null;
    }
}
