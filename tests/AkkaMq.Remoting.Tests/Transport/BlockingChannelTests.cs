using System.Net;
using System.Net.Sockets;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Remoting.Tests.Transport;

/// <summary>The one-request-at-a-time channel a follower's stream thread uses, against a real server.</summary>
public sealed class BlockingChannelTests
{
    private const int MaxFrame = 16 * 1024 * 1024;

    [Fact]
    public async Task Answers_carry_their_bodies_whole_and_the_channel_serves_the_next_request()
    {
        var handler = new DelegateHandler((_, request, _) =>
        {
            var response = request.CreateResponse(ResponseCode.Success, "code " + request.Code);
            response.Body = Pattern(int.Parse(request.GetExtField("size")!, System.Globalization.CultureInfo.InvariantCulture));
            return ValueTask.FromResult<RemotingCommand?>(response);
        });
        await using var server = Loopback.StartServer(handler);
        using var channel = BlockingChannel.Connect(Loopback.AddressOf(server), Loopback.Timeout, MaxFrame, CancellationToken.None);

        // Larger than the channel's first buffer, then smaller again, then empty.
        foreach (int size in new[] { 3 * 1024 * 1024 + 7, 100, 0 })
        {
            var request = RemotingCommand.CreateRequest(300 + size % 7);
            request.ExtFields["size"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var answer = await Task.Run(() => channel.Invoke(request, Loopback.Timeout));

            Assert.True(answer.IsResponse);
            Assert.Equal(request.Opaque, answer.Opaque);
            Assert.Equal("code " + request.Code, answer.Remark);
            Assert.True(answer.Body.Span.SequenceEqual(Pattern(size)), $"body of {size} bytes differs");
        }
    }

    [Fact]
    public async Task No_answer_times_out_naming_the_address_and_the_request()
    {
        await using var server = Loopback.StartSilentServer();
        string address = Loopback.AddressOf(server);
        using var channel = BlockingChannel.Connect(address, Loopback.Timeout, MaxFrame, CancellationToken.None);

        var error = await Assert.ThrowsAsync<RemotingTimeoutException>(() =>
            Task.Run(() => channel.Invoke(RemotingCommand.CreateRequest(RequestCode.PullMessage), TimeSpan.FromMilliseconds(200))));

        Assert.Equal(address, error.Address);
        Assert.Equal((int)RequestCode.PullMessage, error.RequestCode);
    }

    [Fact]
    public async Task Dispose_from_another_thread_ends_a_blocked_call()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Loopback.StartServer(
            new DelegateHandler(async (_, _, ct) =>
            {
                received.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                return null;
            }),
            new RemotingSettings { ShutdownTimeout = TimeSpan.FromMilliseconds(100) });
        var channel = BlockingChannel.Connect(Loopback.AddressOf(server), Loopback.Timeout, MaxFrame, CancellationToken.None);
        var blocked = Task.Run(() => channel.Invoke(RemotingCommand.CreateRequest(1), TimeSpan.FromMinutes(5)));

        // The request is sent: the call is (or is about to be) blocked reading the answer.
        await received.Task.WaitAsync(Loopback.Timeout);

        channel.Dispose();

        var error = await Assert.ThrowsAsync<RemotingConnectionException>(() => blocked.WaitAsync(Loopback.Timeout));
        Assert.Contains("closed", error.Message);
    }

    [Fact]
    public async Task A_peer_that_closes_or_answers_another_request_fails_the_call()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        string address = "127.0.0.1:" + ((IPEndPoint)listener.LocalEndpoint).Port;
        var peer = Task.Run(async () =>
        {
            // First connection: read the request, answer with another opaque. Second: close without answering.
            using (var first = await listener.AcceptSocketAsync())
            {
                await ReadFrameAsync(first);
                var stray = RemotingCommand.CreateResponse(0, "not yours");
                stray.Opaque = 999_999;
                await first.SendAsync(FrameEncoder.ToArray(stray));
                await ReadUntilClosedAsync(first);
            }

            using var second = await listener.AcceptSocketAsync();
            await ReadFrameAsync(second);
        });

        using (var channel = BlockingChannel.Connect(address, Loopback.Timeout, MaxFrame, CancellationToken.None))
        {
            var stray = await Assert.ThrowsAsync<RemotingConnectionException>(() => Task.Run(() => channel.Invoke(RemotingCommand.CreateRequest(7), Loopback.Timeout)));
            Assert.Contains("not the answer", stray.Message);
        }

        using (var channel = BlockingChannel.Connect(address, Loopback.Timeout, MaxFrame, CancellationToken.None))
        {
            var closed = await Assert.ThrowsAsync<RemotingConnectionException>(() => Task.Run(() => channel.Invoke(RemotingCommand.CreateRequest(8), Loopback.Timeout)));
            Assert.Contains("closed", closed.Message);
        }

        await peer.WaitAsync(Loopback.Timeout);
    }

    [Fact]
    public void Connecting_where_nothing_listens_fails_with_the_address()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        string address = "127.0.0.1:" + ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var error = Assert.Throws<RemotingConnectionException>(() => BlockingChannel.Connect(address, Loopback.Timeout, MaxFrame, CancellationToken.None));

        Assert.Contains(address, error.Message);
        Assert.Throws<RemotingConnectionException>(() => BlockingChannel.Connect("localhost:x", Loopback.Timeout, MaxFrame, CancellationToken.None));
    }

    [Fact]
    public async Task The_socket_stays_blocking_in_the_kernel_so_no_event_thread_carries_the_answers()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        int clientPort = 0;
        await using var server = Loopback.StartServer(new DelegateHandler((connection, request, _) =>
        {
            clientPort = connection.RemoteEndPoint.Port;
            return ValueTask.FromResult<RemotingCommand?>(request.CreateResponse(ResponseCode.Success));
        }));
        using var channel = BlockingChannel.Connect(Loopback.AddressOf(server), Loopback.Timeout, MaxFrame, CancellationToken.None);

        await Task.Run(() => channel.Invoke(RemotingCommand.CreateRequest(300), Loopback.Timeout));

        // .NET answers a blocking call on a socket that is non-blocking in the kernel with its event thread.
        Assert.False(IsNonBlockingInKernel(clientPort), "the channel's socket is non-blocking in the kernel");
    }

    /// <summary>O_NONBLOCK of this process's TCP socket bound to 127.0.0.1:<paramref name="localPort"/> (/proc/net/tcp, /proc/self/fdinfo).</summary>
    private static bool IsNonBlockingInKernel(int localPort)
    {
        string local = "0100007F:" + localPort.ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
        string inode = File.ReadLines("/proc/net/tcp").Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Single(fields => fields[1] == local)[9];
        string fd = Directory.EnumerateFileSystemEntries("/proc/self/fd")
            .Single(path => new FileInfo(path).LinkTarget == "socket:[" + inode + "]");
        string flags = File.ReadLines("/proc/self/fdinfo/" + Path.GetFileName(fd)).Single(line => line.StartsWith("flags:", StringComparison.Ordinal));
        int value = Convert.ToInt32(flags["flags:".Length..].Trim(), 8);
        const int ONonBlock = 0x800;
        return (value & ONonBlock) != 0;
    }

    [Fact]
    public async Task A_connect_that_gets_no_answer_times_out_and_a_stop_ends_it_sooner()
    {
        // A listener whose accept queue is full drops new connection requests, as an unreachable host would.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        string address = "127.0.0.1:" + ((IPEndPoint)full.LocalEndPoint!).Port;
        var queued = new List<BlockingChannel>();
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            RemotingConnectionException? timedOut = null;
            // The queue takes one or two connections before it is full.
            for (int i = 0; i < 4 && timedOut is null; i++)
            {
                watch.Restart();
                try
                {
                    queued.Add(BlockingChannel.Connect(address, TimeSpan.FromMilliseconds(300), MaxFrame, CancellationToken.None));
                }
                catch (RemotingConnectionException e)
                {
                    timedOut = e;
                }
            }

            Assert.NotNull(timedOut);
            Assert.Contains(address, timedOut.Message);
            Assert.Contains("timed out", timedOut.Message);
            Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), Loopback.Timeout);

            using var stop = new CancellationTokenSource();
            watch.Restart();
            var connecting = Task.Run(() => BlockingChannel.Connect(address, TimeSpan.FromSeconds(60), MaxFrame, stop.Token));
            // Stopped while it connects (or before it starts: either way it ends without waiting out its timeout).
            await Task.Delay(200);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"the stop took {watch.Elapsed}");
        }
        finally
        {
            queued.ForEach(channel => channel.Dispose());
        }
    }

    private static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = (byte)(i * 31 + (i >> 8));
        }

        return bytes;
    }

    private static async Task ReadFrameAsync(Socket socket)
    {
        var prefix = new byte[4];
        await ReadExactlyAsync(socket, prefix);
        int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(prefix);
        await ReadExactlyAsync(socket, new byte[length]);
    }

    private static async Task ReadExactlyAsync(Socket socket, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                throw new IOException("peer closed");
            }

            read += n;
        }
    }

    private static async Task ReadUntilClosedAsync(Socket socket)
    {
        var buffer = new byte[1024];
        int read;
        do
        {
            read = await socket.ReceiveAsync(buffer);
        }
        while (read > 0);
    }
}
