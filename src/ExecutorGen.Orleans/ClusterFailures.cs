using System;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace ExecutorGen.Orleans;

/// <summary>Which failed grain calls are redelivered.</summary>
internal static class ClusterFailures
{
    /// <summary>
    /// A handler's own exception comes back in the reply, so an exception thrown by the call is the cluster's: a silo
    /// that died or is shutting down, a lost connection, a timeout, a storage conflict. The grain's de-duplication makes
    /// a redelivery safe whether or not the request ran, so all of these are redelivered, except the ones that cannot
    /// go better on a second try: arguments Orleans cannot serialize, a silo without the mark storage (Orleans wraps that
    /// one in the activation's failure, hence the walk down the inner exceptions), and a malformed call.
    /// </summary>
    public static bool IsRedeliverable(Exception exception)
    {
        if (exception is ArgumentException or NotSupportedException or NotImplementedException)
            return false;
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is SerializerException or BadProviderConfigException or OrleansConfigurationException)
                return false;
        }
        return true;
    }
}
