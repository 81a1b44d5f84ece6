using System.Net;
using System.Net.Sockets;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Remoting.Tests.Transport;

public sealed class RemotingClientTests
{
    [Fact]
    public async Task NoResponse_TimesOut_NamingAddressAndCode()
    {
        await using var server = Loopback.StartSilentServer();
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);

        var error = await Assert.ThrowsAsync<RemotingTimeoutException>(() =>
            client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.PullMessage), TimeSpan.FromMilliseconds(200)));

        Assert.Contains(address, error.Message);
        Assert.Contains("11", error.Message);
        Assert.Equal(11, error.RequestCode);
        Assert.Equal(address, error.Address);
    }

    [Fact]
    public async Task LateResponseAfterTimeout_IsDropped_AndNextCallWorks()
    {
        // Request 1 is answered only after the caller has given up on it, however slow the machine.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answeredLate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateHandler(async (_, request, _) =>
        {
            if (request.Code == 1)
            {
                await release.Task;
                answeredLate.SetResult();
            }

            return request.CreateResponse(ResponseCode.Success, "code " + request.Code);
        });
        await using var server = Loopback.StartServer(handler);
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);

        await Assert.ThrowsAsync<RemotingTimeoutException>(() => client.InvokeAsync(address, RemotingCommand.CreateRequest(1), TimeSpan.FromMilliseconds(50)));
        release.SetResult();
        await answeredLate.Task.WaitAsync(Loopback.Timeout);

        Assert.Equal("code 2", (await client.InvokeAsync(address, RemotingCommand.CreateRequest(2), Loopback.Timeout)).Remark);
    }

    [Fact]
    public async Task RequestSerializeType_SendsBinaryHeaders_AndGetsBinaryAnswers()
    {
        var seen = new System.Collections.Concurrent.ConcurrentQueue<SerializeType>();
        var handler = new DelegateHandler((_, request, _) =>
        {
            seen.Enqueue(request.SerializeType);
            return ValueTask.FromResult<RemotingCommand?>(request.CreateResponse(ResponseCode.Success, "ok"));
        });
        await using var server = Loopback.StartServer(handler);
        await using var client = new RemotingClient(null, RemotingSettings.Default with { RequestSerializeType = SerializeType.RocketMq });
        string address = Loopback.AddressOf(server);

        var answer = await client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.HeartBeat), Loopback.Timeout);
        await client.InvokeOnewayAsync(address, RemotingCommand.CreateRequest(RequestCode.UnregisterClient));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (seen.Count < 2 && waited.Elapsed < Loopback.Timeout)
        {
            await Task.Delay(20);
        }

        Assert.Equal(SerializeType.RocketMq, answer.SerializeType);
        Assert.Equal("ok", answer.Remark);
        Assert.Equal([SerializeType.RocketMq, SerializeType.RocketMq], seen.ToArray());
    }

    [Fact]
    public async Task ServerToClientRequest_IsMatchedByOpaque()
    {
        var serverSide = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        server.ConnectionOpened += c => serverSide.TrySetResult(c);
        var clientHandler = new DelegateHandler((_, request, _) =>
        {
            var header = CommandHeader.Decode<GetConsumerRunningInfoRequestHeader>(request);
            var response = request.CreateResponse(ResponseCode.Success, "running " + header.ConsumerGroup);
            response.Body = "{\"jstack\":\"\"}"u8.ToArray();
            return ValueTask.FromResult<RemotingCommand?>(response);
        });
        await using var client = new RemotingClient(clientHandler);
        await client.InvokeAsync(Loopback.AddressOf(server), RemotingCommand.CreateRequest(RequestCode.HeartBeat), Loopback.Timeout);
        var connection = await serverSide.Task.WaitAsync(Loopback.Timeout);

        var request = CommandHeader.CreateRequest(RequestCode.GetConsumerRunningInfo, new GetConsumerRunningInfoRequestHeader { ConsumerGroup = "G", ClientId = "c" });
        var answer = await connection.InvokeAsync(request, Loopback.Timeout);

        Assert.Equal("running G", answer.Remark);
        Assert.Equal(request.Opaque, answer.Opaque);
        Assert.Equal(13, answer.Body.Length);
    }

    [Fact]
    public async Task ServerToClientRequest_WithoutClientHandler_IsAnsweredCode3()
    {
        var serverSide = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        server.ConnectionOpened += c => serverSide.TrySetResult(c);
        await using var client = new RemotingClient();
        await client.GetConnectionAsync(Loopback.AddressOf(server));
        var connection = await serverSide.Task.WaitAsync(Loopback.Timeout);

        var answer = await connection.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.ConsumeMessageDirectly), Loopback.Timeout);

        Assert.Equal(ResponseCode.RequestCodeNotSupported, answer.ResponseCode);
    }

    [Fact]
    public async Task ServerToClientOneway_ReachesClientHandler()
    {
        var serverSide = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        var notified = new TaskCompletionSource<RemotingCommand>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        server.ConnectionOpened += c => serverSide.TrySetResult(c);
        await using var client = new RemotingClient(new DelegateHandler((_, request, _) =>
        {
            notified.TrySetResult(request);
            return ValueTask.FromResult<RemotingCommand?>(null);
        }));
        await client.GetConnectionAsync(Loopback.AddressOf(server));
        var connection = await serverSide.Task.WaitAsync(Loopback.Timeout);

        connection.InvokeOneway(CommandHeader.CreateRequest(RequestCode.NotifyConsumerIdsChanged, new NotifyConsumerIdsChangedRequestHeader { ConsumerGroup = "G" }));

        var request = await notified.Task.WaitAsync(Loopback.Timeout);
        Assert.True(request.IsOneway);
        Assert.Equal("G", request.GetExtField("consumerGroup"));
    }

    [Fact]
    public async Task Connection_IsReused_AndReconnectedAfterClose()
    {
        var serverSides = new List<RemotingConnection>();
        await using var server = Loopback.StartServer(DelegateHandler.Echo());
        server.ConnectionOpened += c =>
        {
            lock (serverSides)
            {
                serverSides.Add(c);
            }
        };
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);

        var first = await client.GetConnectionAsync(address);
        Assert.Same(first, await client.GetConnectionAsync(address));
        await client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.HeartBeat), Loopback.Timeout);
        await serverSides[0].CloseAsync();
        await first.Completion.WaitAsync(Loopback.Timeout);

        var response = await client.InvokeAsync(address, RemotingCommand.CreateRequest(RequestCode.HeartBeat), Loopback.Timeout);

        Assert.Equal(ResponseCode.Success, response.ResponseCode);
        Assert.NotSame(first, await client.GetConnectionAsync(address));
        Assert.Equal(2, serverSides.Count);
    }

    [Fact]
    public async Task PendingCall_FailsWhenConnectionCloses()
    {
        var started = new TaskCompletionSource<RemotingConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = Loopback.StartServer(new DelegateHandler(async (connection, _, ct) =>
        {
            started.TrySetResult(connection);
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }));
        await using var client = new RemotingClient();

        var call = client.InvokeAsync(Loopback.AddressOf(server), RemotingCommand.CreateRequest(1), Loopback.Timeout);
        await (await started.Task.WaitAsync(Loopback.Timeout)).CloseAsync();

        var error = await Assert.ThrowsAsync<RemotingConnectionException>(() => call);
        Assert.Contains("127.0.0.1", error.Message);
    }

    [Fact]
    public async Task ConnectToClosedPort_FailsWithAddress()
    {
        using var probe = new Socket(SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        probe.Dispose();
        await using var client = new RemotingClient();

        var error = await Assert.ThrowsAsync<RemotingConnectionException>(() =>
            client.InvokeAsync("127.0.0.1:" + port, RemotingCommand.CreateRequest(1), Loopback.Timeout));

        Assert.Contains("127.0.0.1:" + port, error.Message);
    }
}
