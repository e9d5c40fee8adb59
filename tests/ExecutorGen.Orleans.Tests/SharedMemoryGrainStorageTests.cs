using System;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

public sealed class SharedMemoryGrainStorageTests
{
    private static readonly Serializer s_serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static GrainId NewGrain() => GrainId.Create("test", Guid.NewGuid().ToString("N"));

    private static PartitionGrainState StateWith(long sequence)
    {
        var state = new PartitionGrainState();
        state.Marks["m"] = new SequenceMark(sequence, "result", null, DateTime.UtcNow);
        return state;
    }

    [Fact]
    public async Task Instances_of_one_name_share_records_as_silos_of_one_process_do()
    {
        var grain = NewGrain();
        var writer = new GrainState<PartitionGrainState>(StateWith(7));
        await new SharedMemoryGrainStorage("a", s_serializer).WriteStateAsync("partition", grain, writer);

        var reader = new GrainState<PartitionGrainState>(new PartitionGrainState());
        await new SharedMemoryGrainStorage("a", s_serializer).ReadStateAsync("partition", grain, reader);
        Assert.True(reader.RecordExists);
        Assert.Equal(writer.ETag, reader.ETag);
        Assert.Equal(7, reader.State!.Marks["m"].Sequence);
        Assert.Equal("result", reader.State!.Marks["m"].Result);
        Assert.NotSame(writer.State, reader.State); // stored serialized, not by reference

        var otherName = new GrainState<PartitionGrainState>(new PartitionGrainState());
        await new SharedMemoryGrainStorage("b", s_serializer).ReadStateAsync("partition", grain, otherName);
        Assert.False(otherName.RecordExists);
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_refused()
    {
        var storage = new SharedMemoryGrainStorage("a", s_serializer);
        var grain = NewGrain();
        var first = new GrainState<PartitionGrainState>(StateWith(1));
        await storage.WriteStateAsync("partition", grain, first);
        var stale = new GrainState<PartitionGrainState>(StateWith(2)) { ETag = first.ETag };
        await storage.WriteStateAsync("partition", grain, first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("partition", grain, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("partition", grain, new GrainState<PartitionGrainState>(StateWith(3))));
    }

    [Fact]
    public async Task Clearing_removes_the_record()
    {
        var storage = new SharedMemoryGrainStorage("a", s_serializer);
        var grain = NewGrain();
        var state = new GrainState<PartitionGrainState>(StateWith(1));
        await storage.WriteStateAsync("partition", grain, state);
        await storage.ClearStateAsync("partition", grain, state);
        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);

        var reader = new GrainState<PartitionGrainState>(new PartitionGrainState());
        await storage.ReadStateAsync("partition", grain, reader);
        Assert.False(reader.RecordExists);
    }

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => new SharedMemoryGrainStorage(null!, s_serializer)).ParamName);
        Assert.Equal("serializer", Assert.Throws<ArgumentNullException>(() => new SharedMemoryGrainStorage("a", null!)).ParamName);
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => SharedMemoryGrainStorage.AddForClusterHandlers(null!)).ParamName);
    }
}
