using System;
using Orleans.Serialization;

namespace ExecutorGen.Orleans;

/// <summary>Which failed grain calls are redelivered.</summary>
internal static class ClusterFailures
{
    /// <summary>
    /// A handler's own exception comes back in the reply, so an exception thrown by the call is the cluster's: a silo
    /// that died or is shutting down, a lost connection, a timeout, a storage conflict. The grain's de-duplication makes
    /// a redelivery safe whether or not the request ran, so all of these are redelivered, except the ones that cannot
    /// go better on a second try: arguments Orleans cannot serialize and a call that was malformed from the start.
    /// </summary>
    public static bool IsRedeliverable(Exception exception) =>
        exception is not (SerializerException or ArgumentException or NotSupportedException or NotImplementedException);
}
