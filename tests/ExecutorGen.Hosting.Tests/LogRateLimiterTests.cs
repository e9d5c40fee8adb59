using System;
using Xunit;

namespace ExecutorGen.Hosting.Tests;

public class LogRateLimiterTests
{
    [Fact]
    public void Lets_the_limit_through_per_interval_and_reports_what_it_held_back()
    {
        var time = new ManualTimeProvider();
        var limiter = new LogRateLimiter(3, TimeSpan.FromSeconds(10), time);

        for (int i = 0; i < 3; i++)
        {
            Assert.True(limiter.TryAcquire(1, out long suppressed));
            Assert.Equal(0, suppressed);
        }
        Assert.False(limiter.TryAcquire(1, out _));
        Assert.False(limiter.TryAcquire(1, out _));

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(limiter.TryAcquire(1, out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(1, out long held));
        Assert.Equal(3, held);
        Assert.True(limiter.TryAcquire(1, out held));
        Assert.Equal(0, held);
    }

    [Fact]
    public void Kinds_are_limited_separately()
    {
        var limiter = new LogRateLimiter(1, TimeSpan.FromMinutes(1), new ManualTimeProvider());
        Assert.True(limiter.TryAcquire(1, out _));
        Assert.False(limiter.TryAcquire(1, out _));
        Assert.True(limiter.TryAcquire(2, out _));
    }

    [Fact]
    public void Rejects_a_limit_or_interval_that_would_let_nothing_through()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogRateLimiter(0, TimeSpan.FromSeconds(1), TimeProvider.System));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogRateLimiter(1, TimeSpan.Zero, TimeProvider.System));
    }
}
