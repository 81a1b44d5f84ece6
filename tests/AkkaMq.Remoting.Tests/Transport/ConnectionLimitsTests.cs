using System.Net;
using System.Net.Sockets;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Remoting.Tests.Transport;

/// <summary>The limits a server puts on each connection: requests in flight, outbound bytes, idleness, connections per address.</summary>
public sealed class ConnectionLimitsTests
{
    [Fact]
    public async Task InFlightCap_StopsReading_AndResumesWhenAnswersGoOut()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int started = 0;
        var handler = new DelegateHandler(async (_, request, _) =>
        {
            Interlocked.Increment(ref started);
            await gate.Task;
            return request.CreateResponse(ResponseCode.Success);
        });
        var opened = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Loopback.StartServer(handler, new RemotingSettings { MaxRequestsInFlight = 4 });
        server.ConnectionOpened += c => opened.TrySetResult(c);
        await using var peer = await RawConnection.ConnectAsync(server.LocalEndPoint);
        var connection = await opened.Task.WaitAsync(Loopback.Timeout);

        // Ten requests in one write: four are taken, the other six stay unread.
        var frames = Enumerable.Range(0, 10).SelectMany(i => FrameEncoder.ToArray(RemotingCommand.CreateRequest(100 + i))).ToArray();
        await peer.SendAsync(frames);
        await WaitUntilAsync(() => connection.IsReadingPaused, "reading paused at the cap");
        Assert.Equal(4, connection.InFlightRequests);
        Assert.Equal(4, Volatile.Read(ref started));

        gate.SetResult();
        var answered = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            answered.Add((await peer.ReadFrameAsync(Loopback.Timeout))!.Opaque);
        }

        Assert.Equal(10, answered.Count);
        Assert.Equal(10, Volatile.Read(ref started));
        Assert.False(connection.IsReadingPaused);
    }

    [Fact]
    public async Task SlowReader_IsDisconnected_AtTheOutboundByteLimit_LoggedOnce()
    {
        var log = new CapturingLogger();
        var big = new byte[256 * 1024];
        var handler = new DelegateHandler((_, request, _) =>
        {
            var response = request.CreateResponse(ResponseCode.Success);
            response.Body = big;
            return ValueTask.FromResult<RemotingCommand?>(response);
        });
        var closed = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new RemotingServer(Loopback.AnyPort, handler, new RemotingSettings { MaxPendingOutboundBytes = 2 * 1024 * 1024 }, log);
        server.ConnectionClosed += c => closed.TrySetResult(c);
        server.Start();

        // The peer asks for 64 MiB of answers and reads none: the socket buffers fill, then the limit trips.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await socket.ConnectAsync(server.LocalEndPoint);
        var frames = Enumerable.Range(0, 256).SelectMany(i => FrameEncoder.ToArray(RemotingCommand.CreateRequest(100))).ToArray();
        await socket.SendAsync(frames, SocketFlags.None);

        var connection = await closed.Task.WaitAsync(Loopback.Timeout);
        Assert.True(connection.IsClosed);
        var warnings = log.Entries.Where(e => e.Message.Contains("slow reader", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
        Assert.Contains("limit 2097152", warnings[0].Message);
    }

    [Fact]
    public async Task IdleConnection_IsClosed_AfterTheTimeout_ButOneWithARequestRunningIsNot()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateHandler(async (_, request, _) =>
        {
            await gate.Task;
            return request.CreateResponse(ResponseCode.Success);
        });
        await using var server = Loopback.StartServer(handler, new RemotingSettings { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        await using var idle = await RawConnection.ConnectAsync(server.LocalEndPoint);
        await using var busy = await RawConnection.ConnectAsync(server.LocalEndPoint);
        await busy.SendAsync(RemotingCommand.CreateRequest(100));

        var started = DateTime.UtcNow;
        Assert.Null(await idle.ReadFrameAsync(Loopback.Timeout));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250), "closed before the idle timeout");

        // The busy one outlived the idle one; once answered it is idle too and goes the same way.
        await WaitUntilAsync(() => server.Connections.Count == 1, "the idle connection has left the table");
        Assert.Equal(1, server.Connections.Single().InFlightRequests);
        gate.SetResult();
        Assert.Equal(ResponseCode.Success, (ResponseCode)(await busy.ReadFrameAsync(Loopback.Timeout))!.Code);
        Assert.Null(await busy.ReadFrameAsync(Loopback.Timeout));
    }

    [Fact]
    public async Task ConnectionsBeyondThePerAddressLimit_AreClosedOnAccept_AndCountedFreedOnClose()
    {
        var log = new CapturingLogger();
        await using var server = new RemotingServer(Loopback.AnyPort, DelegateHandler.Echo(), new RemotingSettings { MaxConnectionsPerAddress = 3 }, log);
        server.Start();
        var peers = new List<RawConnection>();
        for (int i = 0; i < 5; i++)
        {
            peers.Add(await RawConnection.ConnectAsync(server.LocalEndPoint));
        }

        int answered = 0;
        int refused = 0;
        foreach (var peer in peers)
        {
            await peer.SendAsync(RemotingCommand.CreateRequest(7));
            if (await ReadOrClosedAsync(peer) is null)
            {
                refused++;
            }
            else
            {
                answered++;
            }
        }

        Assert.Equal((3, 2), (answered, refused));
        Assert.Single(log.Entries, e => e.Message.Contains("Refused a connection", StringComparison.Ordinal));

        foreach (var peer in peers)
        {
            await peer.DisposeAsync();
        }

        await WaitUntilAsync(() => server.Connections.Count == 0, "the closed connections are gone");
        await using var again = await RawConnection.ConnectAsync(server.LocalEndPoint);
        await again.SendAsync(RemotingCommand.CreateRequest(7));
        Assert.NotNull(await again.ReadFrameAsync(Loopback.Timeout));
    }

    [Fact]
    public async Task MalformedFrameWarnings_AreLimitedPerAddress()
    {
        var log = new CapturingLogger();
        await using var server = new RemotingServer(Loopback.AnyPort, DelegateHandler.Echo(), new RemotingSettings { WarningInterval = TimeSpan.FromMinutes(5) }, log);
        server.Start();
        var garbage = new byte[] { 0, 0, 0, 8, 0x7F, 0, 0, 0, 1, 2, 3, 4 };

        for (int i = 0; i < 50; i++)
        {
            await using var peer = await RawConnection.ConnectAsync(server.LocalEndPoint);
            await peer.SendAsync(garbage);
            Assert.Null(await peer.ReadFrameAsync(Loopback.Timeout));
        }

        // Another address (all of 127/8 is loopback on Linux) gets its own warning.
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await other.ConnectAsync(server.LocalEndPoint);
        await other.SendAsync(garbage, SocketFlags.None);
        Assert.Equal(0, await other.ReceiveAsync(new byte[16], SocketFlags.None).WaitAsync(Loopback.Timeout));

        var warnings = log.Entries.Where(e => e.Message.Contains("malformed frame", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains("127.0.0.1:", warnings[0].Message);
        Assert.Contains("127.0.0.2:", warnings[1].Message);
    }

    [Fact]
    public async Task ManyIdleConnectionsFromOneAddress_CloseWithOneLogLine()
    {
        var log = new CapturingLogger(LogLevel.Information);
        await using var server = new RemotingServer(
            Loopback.AnyPort, DelegateHandler.Echo(), new RemotingSettings { IdleTimeout = TimeSpan.FromMilliseconds(200), WarningInterval = TimeSpan.FromMinutes(5) }, log);
        server.Start();
        var peers = new List<RawConnection>();
        for (int i = 0; i < 20; i++)
        {
            peers.Add(await RawConnection.ConnectAsync(server.LocalEndPoint));
        }

        foreach (var peer in peers)
        {
            Assert.Null(await peer.ReadFrameAsync(Loopback.Timeout));
            await peer.DisposeAsync();
        }

        Assert.Single(log.Entries, e => e.Message.Contains("idle for", StringComparison.Ordinal));
    }

    private static async Task<RemotingCommand?> ReadOrClosedAsync(RawConnection peer)
    {
        try
        {
            return await peer.ReadFrameAsync(Loopback.Timeout);
        }
        catch (SocketException)
        {
            // A connection refused on accept may be reset rather than closed cleanly.
            return null;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Loopback.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting until " + what);
            await Task.Delay(10);
        }
    }
}
