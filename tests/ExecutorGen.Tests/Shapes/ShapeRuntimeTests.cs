using ExecutorGen.Tests.Shapes.Nested.Deeper;

namespace ExecutorGen.Tests.Shapes;

/// <summary>Runs a generated executor of each shape: results come back, and per-key order holds across handlers.</summary>
public class ShapeRuntimeTests
{
    private static ExecutorOptions Options => new() { WorkerCount = 4 };

    [Fact]
    public async Task Class_record_struct_and_record_struct_requests_share_one_ordered_key_space()
    {
        var handlers = new Accounts();
        await using (var executor = new AccountsExecutor(handlers, Options))
        {
            for (int user = 0; user < 20; user++)
            {
                string id = "u" + user;
                await executor.SubmitOpenAsync(id, Tier.Silver);
                await executor.SubmitAsync(new DepositRequest(id, 10));
                await executor.SubmitAsync(new ChargeRequest { UserId = id, Amount = 3 });
                await executor.SubmitAsync(new TouchRequest { UserId = id, Sequence = 1 });
                await executor.SubmitAsync(new CloseRequest(id, "done"));
            }
            Assert.Equal(10, await executor.InvokeAsync(new DepositRequest("x", 10)));
            Assert.Equal(-3, await executor.InvokeAsync(new ChargeRequest { UserId = "x", Amount = 3 }));
            Assert.Equal("bye", await executor.InvokeAsync(new CloseRequest("x", "bye")));
            Assert.True(executor.TrySubmit(new TouchRequest { UserId = "x", Sequence = 2 }));
        }

        for (int user = 0; user < 20; user++)
        {
            string id = "u" + user;
            Assert.Equal(
                new[] { $"{id}:open:Silver", $"{id}:deposit:10", $"{id}:charge:3", $"{id}:touch:1", $"{id}:close" },
                handlers.Log.Where(line => line.StartsWith(id + ":", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task A_static_class_executor_needs_no_handler_instance()
    {
        var id = Guid.NewGuid();
        await using var executor = new CountersExecutor(Options);

        Assert.Equal(2, await executor.InvokeIncrementAsync(id, 2));
        Assert.Equal(5, await executor.InvokeIncrementAsync(id, 3));
        await executor.InvokeResetAsync(id);
        Assert.Equal(1, await executor.InvokeIncrementAsync(id, 1));
    }

    [Fact]
    public async Task A_partial_class_over_two_files_orders_a_record_struct_key_across_both_parts()
    {
        var handlers = new Tenants();
        await using (var executor = new TenantsExecutor(handlers, Options))
        {
            for (int i = 0; i < 50; i++)
            {
                var key = new TenantKey(i % 2, i % 5);
                await executor.SubmitProvisionAsync(key, i);
                await executor.SubmitRetireAsync(key, "r" + i);
            }
            // An equal record-struct key, built separately, is the same key.
            await executor.InvokeRetireAsync(new TenantKey(1, 1), "last");
        }

        var forKey = handlers.Log.Where(l => l.StartsWith("1/1:", StringComparison.Ordinal)).ToList();
        Assert.Equal("1/1:retire:last", forKey[^1]);
        var provisions = forKey.Where(l => l.Contains(":provision:")).Select(l => int.Parse(l.Split(':')[2])).ToList();
        Assert.Equal(provisions.OrderBy(n => n), provisions);
    }

    [Fact]
    public async Task Nested_classes_get_nested_executors_with_enum_and_long_keys()
    {
        await using var byTier = new Catalog.ByTierExecutor(new Catalog.ByTier(), Options);
        await using var byId = new Catalog.ByIdExecutor(new Catalog.ById(), Options);

        Assert.Equal(Tier.Silver, await byTier.InvokeAsync(Tier.Bronze));
        Assert.Equal("Gold/3", await byTier.InvokeAsync(Tier.Gold, 3));
        Assert.Equal(84L, await byId.InvokeAsync(42L));
    }

    [Fact]
    public async Task Nested_and_global_namespaces_get_executors_in_the_same_namespace()
    {
        await using var pings = new PingsExecutor(new Pings(), Options);
        await using var global = new GlobalShapeHandlersExecutor(new GlobalShapeHandlers(), Options);

        Assert.Equal(8, await pings.InvokeAsync(7));
        Assert.Equal("hi", await global.InvokeAsync("hi"));
        Assert.Equal("ExecutorGen.Tests.Shapes.Nested.Deeper", typeof(PingsExecutor).Namespace);
        Assert.Null(typeof(GlobalShapeHandlersExecutor).Namespace);
    }

    [Fact]
    public async Task All_null_keys_share_one_lane_in_submission_order()
    {
        var handlers = new Nullables();
        await using (var executor = new NullablesExecutor(handlers, Options))
        {
            for (int i = 0; i < 60; i++)
                await executor.SubmitAsync(i % 2 == 0 ? null : "k" + (i % 3), i);
        }

        var nulls = handlers.Log.Where(l => l.StartsWith("null:", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(':')[1])).ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(i => i * 2), nulls);
    }

    [Fact]
    public async Task A_dotted_path_key_orders_requests_of_equal_customers_across_handlers()
    {
        var handlers = new Orders();
        await using (var executor = new OrdersExecutor(handlers, Options))
        {
            for (int i = 0; i < 40; i++)
            {
                // A new Customer instance each time: the key is its Id, not the instance.
                var customer = new Customer("c" + (i % 4), "name");
                if (i % 2 == 0)
                    await executor.SubmitAsync(new OrderRequest(customer, i));
                else
                    await executor.SubmitAsync(customer, i);
            }
            Assert.Equal(99, await executor.InvokePlaceAsync(new OrderRequest(new Customer("c0", "n"), 99)));
        }

        for (int c = 0; c < 4; c++)
        {
            var sequences = handlers.Log.Where(l => l.StartsWith($"c{c}:", StringComparison.Ordinal)).Select(l => int.Parse(l.Split(':')[2])).ToList();
            Assert.Equal(sequences.OrderBy(n => n), sequences);
        }
    }

    [Fact]
    public async Task A_null_along_a_dotted_path_refuses_the_request_by_name()
    {
        await using var executor = new OrdersExecutor(new Orders(), Options);

        var error = await Assert.ThrowsAsync<ArgumentException>(async () => await executor.SubmitAsync(new OrderRequest(null!, 1)));
        Assert.Contains("order.Customer is null", error.Message);
        Assert.Equal("order", error.ParamName);
        Assert.Throws<ArgumentNullException>(() => executor.TrySubmit(null!, 1));
    }
}
