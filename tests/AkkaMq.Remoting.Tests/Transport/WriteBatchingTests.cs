using System.Buffers;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Remoting.Tests.Transport;

/// <summary>How responses are dispatched and how queued frames are held back and released.</summary>
public sealed class WriteBatchingTests
{
    [Fact]
    public Task FramesQueuedInsideAScope_LeaveWhenTheScopeEnds() =>
        AssertHeldBackUntilReleasedAsync(
            connection =>
            {
                for (int i = 0; i < 3; i++)
                {
                    Assert.True(connection.TrySend(RemotingCommand.CreateRequest(900 + i)));
                }
            },
            900,
            901,
            902);

    [Fact]
    public Task NestedScopes_ReleaseOnlyWithTheOutermost() =>
        AssertHeldBackUntilReleasedAsync(
            connection =>
            {
                using (OutboundBatch.Begin())
                {
                    connection.TrySend(RemotingCommand.CreateRequest(901));
                }
            },
            901);

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
    public async Task CallerBlockingOnALaterResponseOfTheSameRead_IsNotStuckBehindIt()
    {
        // A server that answers two requests in ONE write, so the client reads both responses
        // at once. The first caller's continuation blocks until the second response arrives:
        // completed strictly one after another, the second would wait behind the first forever.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var serving = AnswerTwoInOneWriteAsync(listener);
        await using var client = new RemotingClient();
        string address = "127.0.0.1:" + ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var connection = await client.GetConnectionAsync(address);

        var first = connection.InvokeAsync(RemotingCommand.CreateRequest(1), Loopback.Timeout);
        var second = connection.InvokeAsync(RemotingCommand.CreateRequest(2), Loopback.Timeout);
        var secondSeenFromFirst = first.ContinueWith(
            _ => second.Wait(Loopback.Timeout),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        Assert.True(await secondSeenFromFirst.WaitAsync(Loopback.Timeout));
        Assert.Equal(2, (await second).Opaque - (await first).Opaque + 1);
        await serving.WaitAsync(Loopback.Timeout);
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

    private static async Task AnswerTwoInOneWriteAsync(System.Net.Sockets.TcpListener listener)
    {
        using var socket = await listener.AcceptSocketAsync();
        var received = new List<byte>();
        var requests = new List<RemotingCommand>();
        var chunk = new byte[4096];
        while (requests.Count < 2)
        {
            int read = await socket.ReceiveAsync(chunk, System.Net.Sockets.SocketFlags.None);
            Assert.True(read > 0);
            received.AddRange(chunk.AsSpan(0, read).ToArray());
            var buffer = new ReadOnlySequence<byte>(received.ToArray());
            while (FrameDecoder.TryReadFrame(ref buffer, FrameDecoder.DefaultMaxFrameLength, out var request).Status == FrameReadStatus.Frame)
            {
                requests.Add(request!);
            }

            received = [.. buffer.ToArray()];
        }

        var answers = new List<byte>();
        foreach (var request in requests)
        {
            answers.AddRange(FrameEncoder.ToArray(request.CreateResponse(ResponseCode.Success)));
        }

        await socket.SendAsync(answers.ToArray(), System.Net.Sockets.SocketFlags.None);
        await Task.Delay(500);
    }

    /// <summary>
    /// Queues frames on a server connection inside a scope held open on its own thread, checks
    /// that the peer gets nothing meanwhile, then releases the scope and expects the frames.
    /// </summary>
    private static async Task AssertHeldBackUntilReleasedAsync(Action<RemotingConnection> queue, params int[] expectedCodes)
    {
        var serverSide = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        server.ConnectionOpened += c => serverSide.TrySetResult(c);
        await using var peer = await RawConnection.ConnectAsync(server.LocalEndPoint);
        var connection = await serverSide.Task.WaitAsync(Loopback.Timeout);

        using var release = new ManualResetEventSlim();
        var holder = HoldScopeOnOwnThread(() => queue(connection), release);
        await holder.Queued.WaitAsync(Loopback.Timeout);

        Assert.Null(await ReadOrNullAsync(peer, TimeSpan.FromMilliseconds(300)));
        release.Set();

        foreach (int code in expectedCodes)
        {
            Assert.Equal(code, (await peer.ReadFrameAsync(Loopback.Timeout))!.Code);
        }
    }

    /// <summary>A scope is per thread and synchronous, so the test holds it open on a thread of its own until released.</summary>
    private static (Task Queued, Thread Thread) HoldScopeOnOwnThread(Action queue, ManualResetEventSlim release)
    {
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            using (OutboundBatch.Begin())
            {
                queue();
                queued.SetResult();
                release.Wait(Loopback.Timeout);
            }
        });
        thread.Start();
        return (queued.Task, thread);
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
