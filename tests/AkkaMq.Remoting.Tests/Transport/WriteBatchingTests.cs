using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Remoting.Tests.Transport;

/// <summary>How responses found in one read reach their callers, and how a held writer releases what was queued.</summary>
public sealed class WriteBatchingTests
{
    [Fact]
    public async Task CallerBlockingInItsContinuation_DoesNotStallTheConnection()
    {
        // Responses complete their waiters off the read loop: a caller that synchronously waits
        // for a second answer on the same connection, inside the first answer's continuation,
        // still gets it (were waiters completed on the read loop, this would hang).
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);
        await client.InvokeAsync(address, RemotingCommand.CreateRequest(1), Loopback.Timeout);

        var second = client.InvokeAsync(address, RemotingCommand.CreateRequest(2), Loopback.Timeout)
            .ContinueWith(
                first => client.InvokeAsync(address, RemotingCommand.CreateRequest(3), Loopback.Timeout).GetAwaiter().GetResult(),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

        var answer = await second.WaitAsync(Loopback.Timeout);
        Assert.Equal("3", answer.ExtFields["seen"]);
    }

    [Fact]
    public async Task ManyResponsesInOneRead_EachReachesItsCaller()
    {
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);
        var calls = Enumerable.Range(0, 2_000)
            .Select(i => (Code: 1000 + (i % 500), Call: client.InvokeAsync(address, RemotingCommand.CreateRequest(1000 + (i % 500)), Loopback.Timeout)))
            .ToList();

        foreach (var (code, call) in calls)
        {
            Assert.Equal(code.ToString(System.Globalization.CultureInfo.InvariantCulture), (await call.WaitAsync(Loopback.Timeout)).ExtFields["seen"]);
        }
    }

    [Fact]
    public async Task FramesQueuedWhileTheWriterIsHeld_LeaveWhenReleased()
    {
        var (server, peer, connection) = await ConnectAsync();
        await using var _ = server;
        await using var __ = peer;

        connection.HoldWrites();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(connection.TrySend(RemotingCommand.CreateRequest(900 + i)));
        }

        Assert.Null(await ReadOrNullAsync(peer, TimeSpan.FromMilliseconds(300)));
        connection.ReleaseWrites();

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(900 + i, (await peer.ReadFrameAsync(Loopback.Timeout))!.Code);
        }
    }

    [Fact]
    public async Task NestedHolds_ReleaseOnlyWithTheLast()
    {
        var (server, peer, connection) = await ConnectAsync();
        await using var _ = server;
        await using var __ = peer;

        connection.HoldWrites();
        connection.HoldWrites();
        connection.TrySend(RemotingCommand.CreateRequest(901));
        connection.ReleaseWrites();
        Assert.Null(await ReadOrNullAsync(peer, TimeSpan.FromMilliseconds(300)));

        connection.ReleaseWrites();
        Assert.Equal(901, (await peer.ReadFrameAsync(Loopback.Timeout))!.Code);
    }

    private static async Task<(RemotingServer Server, RawConnection Peer, RemotingConnection Connection)> ConnectAsync()
    {
        var serverSide = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = Loopback.StartServer(DelegateHandler.Echo());
        server.ConnectionOpened += c => serverSide.TrySetResult(c);
        var peer = await RawConnection.ConnectAsync(server.LocalEndPoint);
        return (server, peer, await serverSide.Task.WaitAsync(Loopback.Timeout));
    }

    private static async Task<RemotingCommand?> ReadOrNullAsync(RawConnection peer, TimeSpan wait)
    {
        try
        {
            return await peer.ReadFrameAsync(wait);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }
}
