using System.Net;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Transport;
using BenchmarkDotNet.Attributes;

namespace AkkaMq.Benchmarks.Remoting;

/// <summary>
/// Request/response over loopback TCP through <see cref="RemotingClient"/> and
/// <see cref="RemotingServer"/>: one at a time (latency) and 256 in flight on one connection
/// (pipelined throughput).
/// </summary>
[MemoryDiagnoser]
public class LoopbackInvokeBenchmarks
{
    private const int Requests = 1_000;
    private const int Window = 256;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private RemotingServer _server = null!;
    private RemotingClient _client = null!;
    private RemotingConnection _connection = null!;
    private readonly Task<RemotingCommand>[] _window = new Task<RemotingCommand>[Window];

    [GlobalSetup]
    public async Task Setup()
    {
        _server = new RemotingServer(new IPEndPoint(IPAddress.Loopback, 0), new SuccessHandler());
        _server.Start();
        _client = new RemotingClient();
        _connection = await _client.GetConnectionAsync("127.0.0.1:" + _server.LocalEndPoint.Port);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Benchmark(OperationsPerInvoke = Requests)]
    public async Task Sequential()
    {
        for (int i = 0; i < Requests; i++)
        {
            await _connection.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.HeartBeat), s_timeout);
        }
    }

    [Benchmark(OperationsPerInvoke = Requests / Window * Window)]
    public async Task Pipelined()
    {
        for (int round = 0; round < Requests / Window; round++)
        {
            for (int i = 0; i < Window; i++)
            {
                _window[i] = _connection.InvokeAsync(RemotingCommand.CreateRequest(RequestCode.HeartBeat), s_timeout);
            }

            await Task.WhenAll(_window);
        }
    }

    private sealed class SuccessHandler : IRemotingRequestHandler
    {
        public ValueTask<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<RemotingCommand?>(request.CreateResponse(ResponseCode.Success));
    }
}
