using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace ExecutorGen.Hosting.Tests;

public class RegistrationTests
{
    [Fact]
    public async Task Add_registers_the_handlers_the_executor_a_hosted_service_and_a_health_check()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOrderHandlersExecutor(options => options.WorkerCount = 2);
        await using var provider = services.BuildServiceProvider();

        var executor = provider.GetRequiredService<OrderHandlersExecutor>();
        Assert.Same(executor, provider.GetRequiredService<OrderHandlersExecutor>());
        Assert.Equal(2, executor.GetMetrics().WorkerCount);
        Assert.IsType<OrderHandlersExecutor>(Assert.IsAssignableFrom<IHostedExecutor>(executor));

        var handlers = provider.GetRequiredService<OrderHandlers>();
        await executor.InvokeAsync("order-1");
        Assert.Equal(new[] { "order-1" }, handlers.Placed);

        Assert.Single(provider.GetServices<IHostedService>().OfType<ExecutorHostedService<OrderHandlersExecutor>>());
        var registration = Assert.Single(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);
        Assert.Equal("OrderHandlers", registration.Name);
        Assert.Contains(ExecutorHosting.HealthCheckTag, registration.Tags);
    }

    [Fact]
    public async Task A_second_call_adds_only_its_configure_delegate()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOrderHandlersExecutor(options => options.WorkerCount = 2);
        services.AddOrderHandlersExecutor(options => options.Capacity = 33);
        await using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IHostedService>().OfType<ExecutorHostedService<OrderHandlersExecutor>>());
        Assert.Single(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);
        var metrics = provider.GetRequiredService<OrderHandlersExecutor>().GetMetrics();
        Assert.Equal((2, 33), (metrics.WorkerCount, metrics.Capacity));
    }

    [Fact]
    public async Task A_handler_instance_registered_first_is_the_one_used()
    {
        var mine = new OrderHandlers();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(mine);
        services.AddOrderHandlersExecutor();
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<OrderHandlersExecutor>().InvokeAsync("order-7");
        Assert.Equal(new[] { "order-7" }, mine.Placed);
    }

    [Fact]
    public async Task A_static_handler_class_gets_an_executor_without_a_handler_instance()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAuditExecutor(options => options.WorkerCount = 1);
        await using var provider = services.BuildServiceProvider();

        int before = Audit.Count;
        await provider.GetRequiredService<AuditExecutor>().InvokeAsync("hello");
        Assert.True(Audit.Count > before);
        Assert.Equal("Audit", Assert.Single(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations).Name);
    }

    [Fact]
    public async Task A_nested_handler_class_registers_with_ExecutorHosting_AddExecutor()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<Inventory.Stock>();
        ExecutorHosting.AddExecutor(services, "Stock", options => options.WorkerCount = 1,
            (provider, options) => new Inventory.StockExecutor(provider.GetRequiredService<Inventory.Stock>(), options));
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<Inventory.StockExecutor>().InvokeAsync("sku-1");
        Assert.Equal(1, provider.GetRequiredService<Inventory.Stock>().Reserved);
        Assert.Single(provider.GetServices<IHostedService>().OfType<ExecutorHostedService<Inventory.StockExecutor>>());
        Assert.Equal("Stock", Assert.Single(provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations).Name);
    }

    [Fact]
    public async Task The_executor_takes_its_meter_from_the_containers_IMeterFactory_unless_one_is_configured()
    {
        var factory = new RecordingMeterFactory();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<System.Diagnostics.Metrics.IMeterFactory>(factory);
        services.AddOrderHandlersExecutor();
        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<OrderHandlersExecutor>();
            Assert.Contains("ExecutorGen", factory.Created);
            Assert.Null(provider.GetRequiredService<IOptionsMonitor<ExecutorOptions>>().Get("OrderHandlers").MeterFactory);
        }

        var configured = new RecordingMeterFactory();
        factory.Created.Clear();
        services.AddOrderHandlersExecutor(options => options.MeterFactory = configured);
        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<OrderHandlersExecutor>();
            Assert.Contains("ExecutorGen", configured.Created);
            Assert.Empty(factory.Created);
        }
    }

    private sealed class RecordingMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = new();

        public List<string> Created { get; } = new();

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            lock (_meters)
            {
                Created.Add(options.Name);
                var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, scope: this);
                _meters.Add(meter);
                return meter;
            }
        }

        public void Dispose()
        {
            foreach (var meter in _meters)
                meter.Dispose();
        }
    }

    [Fact]
    public async Task Options_bind_from_the_Executors_section_of_the_class()
    {
        var builder = HostTestKit.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Executors:OrderHandlers:WorkerCount"] = "3",
            ["Executors:OrderHandlers:Capacity"] = "17",
            ["Executors:OrderHandlers:FullMode"] = "Reject",
            ["Executors:OrderHandlers:Ordering"] = "PerPartition",
            ["Executors:OrderHandlers:MaxAttempts"] = "4",
            ["Executors:OrderHandlers:RetryBackoff"] = "00:00:00.250",
            ["Executors:OrderHandlers:StuckAfter"] = "00:00:02",
            ["Executors:OrderHandlers:HandlerTimeout"] = "00:00:05",
            ["Executors:OrderHandlers:HighWatermark"] = "0.7",
            ["Executors:OrderHandlers:DedicatedThreads"] = "true",
            ["Executors:Audit:WorkerCount"] = "5",
        });
        builder.Services.AddOrderHandlersExecutor();
        using var host = builder.Build();

        var options = host.Services.GetRequiredService<IOptionsMonitor<ExecutorOptions>>().Get("OrderHandlers");
        Assert.Equal(3, options.WorkerCount);
        Assert.Equal(17, options.Capacity);
        Assert.Equal(QueueFullMode.Reject, options.FullMode);
        Assert.Equal(Ordering.PerPartition, options.Ordering);
        Assert.Equal(4, options.MaxAttempts);
        Assert.Equal(System.TimeSpan.FromMilliseconds(250), options.RetryBackoff);
        Assert.Equal(System.TimeSpan.FromSeconds(2), options.StuckAfter);
        Assert.Equal(System.TimeSpan.FromSeconds(5), options.HandlerTimeout);
        Assert.Equal(0.7, options.HighWatermark);
        Assert.True(options.DedicatedThreads);
        Assert.Null(options.DeadLetters); // the logging decorator is not left in the cached options

        await host.StartAsync();
        var metrics = host.Services.GetRequiredService<OrderHandlersExecutor>().GetMetrics();
        Assert.Equal((3, 17), (metrics.WorkerCount, metrics.Capacity));
        await host.StopAsync();
    }

    [Fact]
    public async Task The_configure_delegate_runs_after_binding_and_has_the_last_word()
    {
        var builder = HostTestKit.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Executors:OrderHandlers:WorkerCount"] = "3",
            ["Executors:OrderHandlers:Capacity"] = "17",
        });
        int seenWorkerCount = 0;
        builder.Services.AddOrderHandlersExecutor(options =>
        {
            seenWorkerCount = options.WorkerCount;
            options.Capacity = 40;
        });
        using var host = builder.Build();
        await host.StartAsync();

        var metrics = host.Services.GetRequiredService<OrderHandlersExecutor>().GetMetrics();
        Assert.Equal(3, seenWorkerCount);
        Assert.Equal((3, 40), (metrics.WorkerCount, metrics.Capacity));
        await host.StopAsync();
    }

    [Fact]
    public async Task Without_configuration_the_defaults_apply()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddOrderHandlersExecutor();
        await using var provider = services.BuildServiceProvider();

        var expected = new ExecutorOptions();
        var metrics = provider.GetRequiredService<OrderHandlersExecutor>().GetMetrics();
        Assert.Equal((expected.WorkerCount, expected.EffectiveCapacity), (metrics.WorkerCount, metrics.Capacity));
        Assert.Equal(expected.FullMode, provider.GetRequiredService<IOptionsMonitor<ExecutorOptions>>().Get("OrderHandlers").FullMode);
    }
}
