using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Remoting.Tests.Transport;

/// <summary>Deadlines and cancellation of requests waiting on one connection (one shared timer per connection).</summary>
public sealed class RequestTimeoutTests
{
    [Fact]
    public async Task ShortTimeout_AfterLongOne_StillExpiresFirst_AndLongOneGetsItsResponse()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new DelegateHandler(async (_, request, ct) =>
        {
            if (request.Code == 1)
            {
                await release.Task;
            }
            else
            {
                await Task.Delay(Timeout.Infinite, ct);
            }

            return request.CreateResponse(ResponseCode.Success, "code " + request.Code);
        });
        await using var server = Loopback.StartServer(handler, new RemotingSettings { ShutdownTimeout = TimeSpan.FromMilliseconds(100) });
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);

        var slow = client.InvokeAsync(address, RemotingCommand.CreateRequest(1), TimeSpan.FromSeconds(30));
        var error = await Assert.ThrowsAsync<RemotingTimeoutException>(() =>
            client.InvokeAsync(address, RemotingCommand.CreateRequest(2), TimeSpan.FromMilliseconds(100)));

        Assert.Equal(2, error.RequestCode);
        Assert.False(slow.IsCompleted);
        release.SetResult();
        Assert.Equal("code 1", (await slow).Remark);
    }

    [Fact]
    public async Task ManyRequests_WithTheSameTimeout_AllTimeOut()
    {
        await using var server = Loopback.StartSilentServer();
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);

        var calls = Enumerable.Range(0, 20)
            .Select(i => client.InvokeAsync(address, RemotingCommand.CreateRequest(100 + i), TimeSpan.FromMilliseconds(50 + (5 * i))))
            .ToArray();

        for (int i = 0; i < calls.Length; i++)
        {
            var error = await Assert.ThrowsAsync<RemotingTimeoutException>(() => calls[i]);
            Assert.Equal(100 + i, error.RequestCode);
        }
    }

    [Fact]
    public async Task CancelledToken_EndsTheWait_WithCancellation()
    {
        await using var server = Loopback.StartSilentServer();
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);
        using var cancel = new CancellationTokenSource();

        var call = client.InvokeAsync(address, RemotingCommand.CreateRequest(1), TimeSpan.FromSeconds(30), cancel.Token);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    [Fact]
    public async Task ClosingTheConnection_FailsWaitingRequests()
    {
        await using var server = Loopback.StartSilentServer();
        await using var client = new RemotingClient();
        string address = Loopback.AddressOf(server);
        var connection = await client.GetConnectionAsync(address);

        var call = connection.InvokeAsync(RemotingCommand.CreateRequest(1), TimeSpan.FromSeconds(30));
        await connection.CloseAsync();

        await Assert.ThrowsAsync<RemotingConnectionException>(() => call);
    }
}
