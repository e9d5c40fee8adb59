using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;

namespace ExecutorGen.Orleans;

/// <summary>The silo's registered handler classes, by executor name; each dispatcher is created once, on first use.</summary>
internal sealed class ClusterHandlerCatalog
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, ClusterHandlerRegistration> _registrations;
    private readonly ConcurrentDictionary<string, IClusterDispatcher> _dispatchers = new(StringComparer.Ordinal);

    public ClusterHandlerCatalog(IServiceProvider services, IEnumerable<ClusterHandlerRegistration> registrations)
    {
        _services = services;
        // The last registration of a name wins, as with other service registrations.
        _registrations = registrations.GroupBy(r => r.Executor, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    public bool TryGet(string executor, out IClusterDispatcher? dispatcher)
    {
        if (!_registrations.TryGetValue(executor, out var registration))
        {
            dispatcher = null;
            return false;
        }
        dispatcher = _dispatchers.GetOrAdd(executor, _ => registration.CreateDispatcher(_services));
        return true;
    }
}
