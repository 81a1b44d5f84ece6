using AkkaMq.Client;

namespace AkkaMq.Client.Tests.Fakes;

internal static class TestOptions
{
    /// <summary>Short timers and a unique instance so tests never share a client instance.</summary>
    public static ClientOptions For(FakeNameServer nameServer, string? instance = null) =>
        new()
        {
            NameServerAddresses = nameServer.Address,
            InstanceName = instance ?? Guid.NewGuid().ToString("N"),
            ClientIp = "127.0.0.1",
            RequestTimeout = TimeSpan.FromSeconds(2),
            PollNameServerInterval = TimeSpan.FromMilliseconds(500),
            HeartbeatInterval = TimeSpan.FromMilliseconds(500),
            FirstHeartbeatDelay = TimeSpan.FromMilliseconds(100),
            PersistOffsetInterval = TimeSpan.FromMilliseconds(200),
            RebalanceInterval = TimeSpan.FromMilliseconds(500),
            LongPollingSuspend = TimeSpan.FromMilliseconds(300),
            LongPollingTimeout = TimeSpan.FromSeconds(3),
            PullRetryDelay = TimeSpan.FromMilliseconds(200),
        };

    /// <summary>Polls until the condition holds or fails after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutMs = 8000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting for " + what);
            }

            await Task.Delay(20);
        }
    }
}
