using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;
using AkkaMq.Remoting.Transport;
using Microsoft.Extensions.Logging;

namespace AkkaMq.Client;

/// <summary>What a consumer exposes to the shared instance's timers.</summary>
internal interface IConsumerClient
{
    string Group { get; }

    IReadOnlyCollection<string> SubscribedTopics { get; }

    ConsumerData BuildConsumerData();

    /// <summary>The answer to GET_CONSUMER_RUNNING_INFO (307).</summary>
    ConsumerRunningInfoBody BuildRunningInfo();

    Task RebalanceAsync(CancellationToken cancellationToken);

    Task PersistOffsetsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The connection hub shared by every producer, consumer and admin client with the same client id
/// (Java MQClientInstance): one <see cref="RemotingClient"/>, the route cache, and four background
/// loops — route refresh, heartbeat, offset persist and rebalance (also woken by
/// NOTIFY_CONSUMER_IDS_CHANGED). Reference counted: the last release stops it.
/// </summary>
public sealed partial class ClientInstance : IRemotingRequestHandler
{
    private static readonly Dictionary<string, ClientInstance> Instances = new(StringComparer.Ordinal);
    private static readonly Lock InstancesLock = new();

    private readonly ConcurrentDictionary<string, byte> _producerGroups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IConsumerClient> _consumers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _rebalanceWake = new(0, 1);
    private readonly SemaphoreSlim _heartbeatWake = new(0, 1);
    private readonly SemaphoreSlim _innerProducerLock = new(1, 1);
    private readonly List<Task> _loops = [];
    private Producer? _innerProducer;
    private int _references;

    private ClientInstance(ClientOptions options, string clientId)
    {
        Options = options;
        ClientId = clientId;
        Logger = options.LoggerFactory.CreateLogger("AkkaMq.Client");
        Remoting = new RemotingClient(this, RemotingSettings.Default with { ConnectTimeout = options.RequestTimeout, RequestSerializeType = options.SerializeType }, Logger);
    }

    public string ClientId { get; }

    public ClientOptions Options { get; }

    internal RemotingClient Remoting { get; }

    internal ILogger Logger { get; }

    /// <summary>The running instance for these options' client id, created and started on first use.</summary>
    public static ClientInstance Acquire(ClientOptions options)
    {
        string clientId = options.BuildClientId();
        lock (InstancesLock)
        {
            if (!Instances.TryGetValue(clientId, out var instance))
            {
                instance = new ClientInstance(options, clientId);
                Instances[clientId] = instance;
                instance.Start();
            }

            instance._references++;
            return instance;
        }
    }

    /// <summary>Drops one reference; the last one stops the loops and closes the connections.</summary>
    public async Task ReleaseAsync()
    {
        lock (InstancesLock)
        {
            if (--_references > 0)
            {
                return;
            }

            Instances.Remove(ClientId);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops).ConfigureAwait(false);
        if (_innerProducer is not null)
        {
            await _innerProducer.ShutdownAsync().ConfigureAwait(false);
        }

        try
        {
            await Remoting.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            // A peer that reset the connection while it closed: the connection is gone all the same.
            Log.LoopFailed(Logger, ex, "close");
        }

        Log.InstanceStopped(Logger, ClientId);
    }

    /// <summary>Registers a producer group; false when this instance already has it.</summary>
    internal bool RegisterProducer(string group) => _producerGroups.TryAdd(group, 0);

    internal void UnregisterProducer(string group) => _producerGroups.TryRemove(group, out _);

    internal bool RegisterConsumer(IConsumerClient consumer) => _consumers.TryAdd(consumer.Group, consumer);

    internal void UnregisterConsumer(string group) => _consumers.TryRemove(group, out _);

    /// <summary>Runs the rebalance loop now (as on NOTIFY_CONSUMER_IDS_CHANGED).</summary>
    public void RebalanceImmediately() => Wake(_rebalanceWake);

    /// <summary>Runs the heartbeat loop now (e.g. after a subscription changed).</summary>
    public void HeartbeatImmediately() => Wake(_heartbeatWake);

    private static void Wake(SemaphoreSlim wake)
    {
        if (wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke it between the check and the release: one wake is enough.
                return;
            }
        }
    }

    /// <summary>The producer of group CLIENT_INNER_PRODUCER that consumers re-send failed messages with.</summary>
    internal async Task<Producer> GetInnerProducerAsync(CancellationToken cancellationToken)
    {
        await _innerProducerLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_innerProducer is null)
            {
                var producer = new Producer("CLIENT_INNER_PRODUCER", this);
                await producer.StartAsync(cancellationToken).ConfigureAwait(false);
                _innerProducer = producer;
            }

            return _innerProducer;
        }
        finally
        {
            _innerProducerLock.Release();
        }
    }

    /// <summary>Serves broker→client requests: 40 triggers a rebalance; others are not supported.</summary>
    ValueTask<RemotingCommand?> IRemotingRequestHandler.HandleAsync(RemotingConnection connection, RemotingCommand request, CancellationToken cancellationToken)
    {
        if (request.Code == (int)RequestCode.NotifyConsumerIdsChanged)
        {
            RebalanceImmediately();
            return ValueTask.FromResult<RemotingCommand?>(request.IsOneway ? null : request.CreateResponse(ResponseCode.Success));
        }

        if (request.Code == (int)RequestCode.GetConsumerRunningInfo)
        {
            return ValueTask.FromResult<RemotingCommand?>(AnswerRunningInfo(request));
        }

        if (request.Code == (int)RequestCode.ResetConsumerClientOffset)
        {
            return ValueTask.FromResult(OnResetConsumerOffset(request));
        }

        if (request.Code == (int)RequestCode.GetConsumerStatusFromClient)
        {
            return ValueTask.FromResult<RemotingCommand?>(AnswerConsumerStatus(request));
        }

        if (request.Code == (int)RequestCode.CheckTransactionState)
        {
            OnCheckTransactionState(connection, request);
            return ValueTask.FromResult<RemotingCommand?>(null);
        }

        return ValueTask.FromResult<RemotingCommand?>(request.CreateRequestCodeNotSupportedResponse());
    }

    private RemotingCommand AnswerRunningInfo(RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<GetConsumerRunningInfoRequestHeader>(request, out var header, out var error))
        {
            return request.CreateResponse(ResponseCode.SystemError, error);
        }

        if (!_consumers.TryGetValue(header.ConsumerGroup, out var consumer))
        {
            return request.CreateResponse(ResponseCode.SystemError, "The Consumer Group <" + header.ConsumerGroup + "> not exist in this consumer");
        }

        var info = consumer.BuildRunningInfo();
        info.Properties[ConsumerRunningInfoBody.PropNameServerAddr] = Options.NameServerAddresses;
        info.Properties[ConsumerRunningInfoBody.PropClientVersion] = "V4_9_8";
        if (header.JstackEnable == true)
        {
            info.Jstack = "(stack traces are not available from the .NET client)";
        }

        var response = request.CreateResponse(ResponseCode.Success);
        response.Body = info.Encode();
        return response;
    }

    /// <summary>Sends HEART_BEAT (34) to the brokers in the route cache: all addresses with consumers, masters only without.</summary>
    public async Task SendHeartbeatAsync(CancellationToken cancellationToken)
    {
        var data = new HeartbeatData { ClientId = ClientId };
        data.ProducerGroups.AddRange(_producerGroups.Keys);
        foreach (var consumer in _consumers.Values)
        {
            data.ConsumerDataSet.Add(consumer.BuildConsumerData());
        }

        if (data.ProducerGroups.Count == 0 && data.ConsumerDataSet.Count == 0)
        {
            return;
        }

        byte[] body = data.Encode();
        bool mastersOnly = data.ConsumerDataSet.Count == 0;
        var sends = new List<Task>();
        foreach (var address in BrokerAddresses(mastersOnly))
        {
            sends.Add(HeartbeatOneAsync(address, body, cancellationToken));
        }

        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    /// <summary>Sends UNREGISTER_CLIENT (35) for a group to every known broker.</summary>
    internal async Task UnregisterClientAsync(string? producerGroup, string? consumerGroup, CancellationToken cancellationToken)
    {
        var header = new UnregisterClientRequestHeader
        {
            ClientId = ClientId,
            ProducerGroup = producerGroup,
            ConsumerGroup = consumerGroup,
        };
        foreach (var address in BrokerAddresses(mastersOnly: false))
        {
            try
            {
                var request = CommandHeader.CreateRequest(RequestCode.UnregisterClient, header);
                await Remoting.InvokeAsync(address, request, Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsNetworkError(ex))
            {
                Log.UnregisterFailed(Logger, address, ex.Message);
            }
        }
    }

    /// <summary>True for failures of the connection rather than answers: worth trying elsewhere.</summary>
    internal static bool IsNetworkError(Exception exception) =>
        exception is RemotingConnectionException or RemotingTimeoutException or IOException;

    private async Task HeartbeatOneAsync(string address, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            var request = RemotingCommand.CreateRequest(RequestCode.HeartBeat, null, body);
            var response = await Remoting.InvokeAsync(address, request, Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            if (response.Code != (int)ResponseCode.Success)
            {
                Log.HeartbeatFailed(Logger, address, "code " + response.Code + " " + response.Remark);
            }
        }
        catch (Exception ex) when (IsNetworkError(ex))
        {
            Log.HeartbeatFailed(Logger, address, ex.Message);
        }
    }

    private void Start()
    {
        var o = Options;
        _loops.Add(RunLoopAsync("route", o.PollNameServerInterval, o.PollNameServerInterval, RefreshRoutesAsync, null));
        _loops.Add(RunLoopAsync("heartbeat", o.FirstHeartbeatDelay, o.HeartbeatInterval, SendHeartbeatAsync, _heartbeatWake));
        _loops.Add(RunLoopAsync("persist-offset", o.PersistOffsetInterval, o.PersistOffsetInterval, PersistAllAsync, null));
        _loops.Add(RunLoopAsync("rebalance", o.RebalanceInterval, o.RebalanceInterval, RebalanceAllAsync, _rebalanceWake));
        Log.InstanceStarted(Logger, ClientId);
    }

    /// <summary>A background loop: catches, logs and goes on; ends when the instance stops.</summary>
    private async Task RunLoopAsync(string name, TimeSpan firstDelay, TimeSpan interval, Func<CancellationToken, Task> work, SemaphoreSlim? wake)
    {
        await Task.Yield();
        var token = _stopping.Token;
        TimeSpan delay = firstDelay;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (wake is null)
                {
                    await Task.Delay(delay, token).ConfigureAwait(false);
                }
                else
                {
                    await wake.WaitAsync(delay, token).ConfigureAwait(false);
                }

                await work(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Log.LoopFailed(Logger, ex, name);
            }

            delay = interval;
        }
    }

    private async Task PersistAllAsync(CancellationToken cancellationToken)
    {
        foreach (var consumer in _consumers.Values)
        {
            await consumer.PersistOffsetsAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RebalanceAllAsync(CancellationToken cancellationToken)
    {
        foreach (var consumer in _consumers.Values)
        {
            await consumer.RebalanceAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
