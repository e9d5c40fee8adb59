using System;
using System.Collections.Generic;

namespace ExecutorGen;

/// <summary>The outcome of <c>ShutdownAsync</c>.</summary>
/// <param name="Completed">Requests completed over the executor's lifetime.</param>
/// <param name="Unprocessed">Every accepted request that never started.</param>
/// <param name="TimedOut">
/// Whether the timeout ran out first. Then running handlers were asked to cancel, queued requests were
/// moved to <paramref name="Unprocessed"/>, and a handler that ignores its token may still be running.
/// </param>
public sealed record ShutdownReport(long Completed, IReadOnlyList<UnprocessedRequest> Unprocessed, bool TimedOut);

/// <summary>An accepted request that never started.</summary>
/// <param name="Handler">The handler method's name.</param>
/// <param name="Key">The partition key, or <see langword="null"/> for an unordered handler.</param>
/// <param name="Arguments">The handler's arguments, in order, without the cancellation token.</param>
public sealed record UnprocessedRequest(string Handler, object? Key, IReadOnlyList<object?> Arguments);
