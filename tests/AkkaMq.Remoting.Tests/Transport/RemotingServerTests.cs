using System.Text;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Remoting.Tests.Transport;

public sealed class RemotingServerTests
{
    [Fact]
    public async Task Request_GetsMatchingResponse()
    {
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        await using var client = new RemotingClient();

        var request = RemotingCommand.CreateRequest(RequestCode.HeartBeat, body: "ping"u8.ToArray());
        var response = await client.InvokeAsync(Loopback.AddressOf(server), request, Loopback.Timeout);

        Assert.True(response.IsResponse);
        Assert.Equal(request.Opaque, response.Opaque);
        Assert.Equal(ResponseCode.Success, response.ResponseCode);
        Assert.Equal("34", response.ExtFields["seen"]);
        Assert.Equal("ping", Encoding.UTF8.GetString(response.Body.Span));
        Assert.Equal(RemotingVersion.V4_9_8, response.Version);
    }

    [Fact]
    public async Task BinaryRequest_IsAnsweredInBinary()
    {
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        await using var raw = await RawConnection.ConnectAsync(server.LocalEndPoint);

        await raw.SendAsync(Protocol.GoldenFrames.BinaryRequest);
        var response = await raw.ReadFrameAsync(Loopback.Timeout);

        Assert.NotNull(response);
        Assert.Equal(SerializeType.RocketMq, response.SerializeType);
        Assert.Equal(7, response.Opaque);
        Assert.True(response.IsResponse);
    }

    [Fact]
    public async Task FramesTrickledByteByByte_AndCoalesced_AreAllServed()
    {
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        await using var raw = await RawConnection.ConnectAsync(server.LocalEndPoint);
        var golden = Protocol.GoldenFrames.JsonSendRequest;

        foreach (byte b in golden)
        {
            await raw.SendAsync([b]);
        }

        await raw.SendAsync([.. Protocol.GoldenFrames.BinaryRequest, .. golden]);

        Assert.Equal(1, (await raw.ReadFrameAsync(Loopback.Timeout))!.Opaque);
        var second = await raw.ReadFrameAsync(Loopback.Timeout);
        var third = await raw.ReadFrameAsync(Loopback.Timeout);
        Assert.Equal([1, 7], new[] { second!.Opaque, third!.Opaque }.Order());
        Assert.Equal("Hello", System.Text.Encoding.UTF8.GetString(third.Opaque == 1 ? third.Body.Span : second.Body.Span));
    }

    [Fact]
    public async Task SlowAndFastRequests_OnOneConnection_CompleteOutOfOrder()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateHandler(async (_, request, _) =>
        {
            if (request.Code == 1)
            {
                await gate.Task;
            }

            return request.CreateResponse(ResponseCode.Success, "code " + request.Code);
        });
        await using var server = Loopback.StartServer(handler);
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);

        var slow = client.InvokeAsync(address, RemotingCommand.CreateRequest(1), Loopback.Timeout);
        var fast = await client.InvokeAsync(address, RemotingCommand.CreateRequest(2), Loopback.Timeout);

        Assert.Equal("code 2", fast.Remark);
        Assert.False(slow.IsCompleted);
        gate.SetResult();
        Assert.Equal("code 1", (await slow).Remark);
    }

    [Fact]
    public async Task OnewayRequest_GetsNoResponse()
    {
        var oneway = new TaskCompletionSource<RemotingCommand>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateHandler((_, request, _) =>
        {
            if (request.IsOneway)
            {
                oneway.TrySetResult(request);
            }

            return ValueTask.FromResult<RemotingCommand?>(request.CreateResponse(ResponseCode.Success, "opaque " + request.Opaque));
        });
        await using var server = Loopback.StartServer(handler);
        await using var raw = await RawConnection.ConnectAsync(server.LocalEndPoint);

        var first = RemotingCommand.CreateRequest(RequestCode.UpdateConsumerOffset);
        first.Opaque = 100;
        first.MarkOneway();
        var second = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
        second.Opaque = 101;
        await raw.SendAsync(first);
        await oneway.Task.WaitAsync(Loopback.Timeout);
        await raw.SendAsync(second);

        var response = await raw.ReadFrameAsync(Loopback.Timeout);
        Assert.Equal(101, response!.Opaque);
    }

    [Fact]
    public async Task OnewayFromClient_ReachesTheHandler()
    {
        var received = new TaskCompletionSource<RemotingCommand>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Loopback.StartServer(new DelegateHandler((_, request, _) =>
        {
            received.TrySetResult(request);
            return ValueTask.FromResult<RemotingCommand?>(null);
        }));
        await using var client = new RemotingClient();

        await client.InvokeOnewayAsync(Loopback.AddressOf(server), RemotingCommand.CreateRequest(RequestCode.EndTransaction));

        var request = await received.Task.WaitAsync(Loopback.Timeout);
        Assert.True(request.IsOneway);
        Assert.Equal(RequestCode.EndTransaction, request.RequestCode);
    }

    [Fact]
    public async Task UnknownCode_IsAnsweredWithCode3()
    {
        var handler = new DelegateHandler((_, request, _) =>
            ValueTask.FromResult<RemotingCommand?>(request.Code == (int)RequestCode.HeartBeat
                ? request.CreateResponse(ResponseCode.Success)
                : request.CreateRequestCodeNotSupportedResponse()));
        await using var server = Loopback.StartServer(handler);
        await using var client = new RemotingClient();

        var response = await client.InvokeAsync(Loopback.AddressOf(server), RemotingCommand.CreateRequest(999), Loopback.Timeout);

        Assert.Equal(ResponseCode.RequestCodeNotSupported, response.ResponseCode);
        Assert.Equal(" request type 999 not supported", response.Remark);
    }

    [Fact]
    public async Task HandlerException_BecomesSystemError_AndConnectionSurvives()
    {
        var handler = new DelegateHandler((_, request, _) => request.Code == 1
            ? throw new InvalidOperationException("boom")
            : ValueTask.FromResult<RemotingCommand?>(request.CreateResponse(ResponseCode.Success)));
        await using var server = Loopback.StartServer(handler);
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);

        var failed = await client.InvokeAsync(address, RemotingCommand.CreateRequest(1), Loopback.Timeout);
        var ok = await client.InvokeAsync(address, RemotingCommand.CreateRequest(2), Loopback.Timeout);

        Assert.Equal(ResponseCode.SystemError, failed.ResponseCode);
        Assert.Contains("boom", failed.Remark);
        Assert.Equal(ResponseCode.Success, ok.ResponseCode);
    }

    [Fact]
    public async Task MalformedFrame_ClosesOnlyThatConnection()
    {
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        var closed = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.ConnectionClosed += connection => closed.TrySetResult(connection);
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);
        await client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.HeartBeat), Loopback.Timeout);
        await using var raw = await RawConnection.ConnectAsync(server.LocalEndPoint);

        await raw.SendAsync([0xFF, 0xFF, 0xFF, 0xFB, 0, 0, 0, 0]);

        Assert.Null(await raw.ReadFrameAsync(Loopback.Timeout));
        var gone = await closed.Task.WaitAsync(Loopback.Timeout);
        Assert.Equal(raw.LocalPort, gone.RemoteEndPoint.Port);
        var response = await client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.HeartBeat), Loopback.Timeout);
        Assert.Equal(ResponseCode.Success, response.ResponseCode);
        Assert.Single(server.Connections);
    }

    [Fact]
    public async Task FrameOverConfiguredMax_ClosesTheConnection()
    {
        await using var server = Loopback.StartServer(DelegateHandler.Echo(), new RemotingSettings { MaxFrameLength = 1024 });
        await using var raw = await RawConnection.ConnectAsync(server.LocalEndPoint);

        await raw.SendAsync(FrameEncoder.ToArray(RemotingCommand.CreateRequest(RequestCode.SendMessage, body: new byte[2048])));

        Assert.Null(await raw.ReadFrameAsync(Loopback.Timeout));
    }

    [Fact]
    public async Task ThousandConcurrentRequests_OnOneConnection_AllMatch()
    {
        var handler = new DelegateHandler(async (_, request, _) =>
        {
            if ((request.Body.Span[0] & 1) == 0)
            {
                await Task.Yield();
            }

            var response = request.CreateResponse(ResponseCode.Success);
            response.Body = request.Body;
            return response;
        });
        await using var server = Loopback.StartServer(handler);
        await using var client = new RemotingClient();
        var connection = await client.GetConnectionAsync(Loopback.AddressOf(server));

        var calls = new Task<RemotingCommand>[1000];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = connection.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.PullMessage, body: BitConverter.GetBytes(i)), Loopback.Timeout);
        }

        var responses = await Task.WhenAll(calls);

        for (int i = 0; i < responses.Length; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32(responses[i].Body.Span));
        }

        Assert.Single(server.Connections);
    }

    [Fact]
    public async Task ConnectionEvents_ReportRemoteEndPoint()
    {
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        var opened = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.ConnectionOpened += c => opened.TrySetResult(c);
        server.ConnectionClosed += c => closed.TrySetResult(c);
        var client = new RemotingClient();
        var clientSide = await client.GetConnectionAsync(Loopback.AddressOf(server));

        var serverSide = await opened.Task.WaitAsync(Loopback.Timeout);
        Assert.Equal(clientSide.LocalEndPoint.Port, serverSide.RemoteEndPoint.Port);
        Assert.Equal("127.0.0.1:" + clientSide.LocalEndPoint.Port, serverSide.RemoteAddress);

        await client.DisposeAsync();
        Assert.Same(serverSide, await closed.Task.WaitAsync(Loopback.Timeout));
        Assert.Empty(server.Connections);
    }

    [Fact]
    public async Task Stop_LetsInFlightRequestFinish_ThenCloses()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateHandler(async (_, request, _) =>
        {
            started.TrySetResult();
            await Task.Delay(300);
            return request.CreateResponse(ResponseCode.Success, "finished");
        });
        var server = Loopback.StartServer(handler);
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);

        var call = client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.PullMessage), Loopback.Timeout);
        await started.Task.WaitAsync(Loopback.Timeout);
        await server.StopAsync();

        Assert.Equal("finished", (await call).Remark);
        Assert.Empty(server.Connections);
        await Assert.ThrowsAsync<RemotingConnectionException>(() => client.InvokeAsync(address, RemotingCommand.CreateRequest(1), Loopback.Timeout));
    }

    [Fact]
    public async Task Stop_GivesUpOnStuckRequests_AfterShutdownTimeout()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateHandler(async (_, request, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        });
        var server = Loopback.StartServer(handler, new RemotingSettings { ShutdownTimeout = TimeSpan.FromMilliseconds(200) });
        await using var client = new RemotingClient();

        var call = client.InvokeAsync(Loopback.AddressOf(server), RemotingCommand.CreateRequest(1), Loopback.Timeout);
        await started.Task.WaitAsync(Loopback.Timeout);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await server.StopAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<RemotingConnectionException>(() => call);
    }
}
