using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>
/// Pull consumer (Java DefaultMQPullConsumer): the caller picks queues and offsets. Offsets set
/// with <see cref="UpdateConsumeOffsetAsync"/> are kept in memory and committed by the instance's
/// persist timer and on shutdown.
/// </summary>
public sealed class PullConsumer : IAsyncDisposable, IConsumerClient, IConsumerOffsets
{
    private readonly ClientInstance _instance;
    private readonly OffsetStore _offsets;
    private readonly HashSet<MessageQueue> _touched = [];
    private readonly Lock _touchedLock = new();
    private int _state; // 0 created, 1 running, 2 stopped
    private int _released;

    public PullConsumer(string group, ClientOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        Group = group;
        _instance = ClientInstance.Acquire(options);
        _offsets = new OffsetStore(_instance, group);
    }

    public string Group { get; }

    /// <summary>How long the broker holds a <see cref="PullBlockIfNotFoundAsync"/> (Java 20 s).</summary>
    public TimeSpan BrokerSuspendMaxTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Client timeout of a blocking pull; must exceed <see cref="BrokerSuspendMaxTime"/>.</summary>
    public TimeSpan ConsumerTimeoutWhenSuspend { get; set; } = TimeSpan.FromSeconds(30);

    public ClientInstance Instance => _instance;

    IReadOnlyCollection<string> IConsumerClient.SubscribedTopics => [];

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new MQClientException("The PullConsumer service state not OK, maybe started once.");
        }

        if (!_instance.RegisterConsumer(this))
        {
            _state = 2;
            throw new MQClientException("The consumer group[" + Group + "] has been created before, specify another name please.");
        }

        await _instance.SendHeartbeatAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The readable queues of a topic, sorted.</summary>
    public async Task<IReadOnlyList<MessageQueue>> FetchSubscribeMessageQueuesAsync(string topic, CancellationToken cancellationToken = default)
    {
        if (!await _instance.UpdateTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false))
        {
            throw new MQClientException("No route info of this topic: " + topic);
        }

        return await _instance.GetSubscribeQueuesAsync(topic, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One non-blocking pull (sysFlag 0x4, subscription in the header).</summary>
    public Task<PullResult> PullAsync(MessageQueue queue, string subExpression, long offset, int maxNums, CancellationToken cancellationToken = default) =>
        PullCoreAsync(queue, MessageSelector.ByTag(subExpression), offset, maxNums, block: false, cancellationToken);

    /// <summary>One non-blocking pull with a tag or SQL92 selector; a selector the broker cannot compile fails with code 23.</summary>
    public Task<PullResult> PullAsync(MessageQueue queue, MessageSelector selector, long offset, int maxNums, CancellationToken cancellationToken = default) =>
        PullCoreAsync(queue, selector, offset, maxNums, block: false, cancellationToken);

    /// <summary>A long-polling pull: the broker holds it until a message arrives or <see cref="BrokerSuspendMaxTime"/> passes.</summary>
    public Task<PullResult> PullBlockIfNotFoundAsync(MessageQueue queue, string subExpression, long offset, int maxNums, CancellationToken cancellationToken = default) =>
        PullCoreAsync(queue, MessageSelector.ByTag(subExpression), offset, maxNums, block: true, cancellationToken);

    /// <summary>A long-polling pull with a tag or SQL92 selector.</summary>
    public Task<PullResult> PullBlockIfNotFoundAsync(MessageQueue queue, MessageSelector selector, long offset, int maxNums, CancellationToken cancellationToken = default) =>
        PullCoreAsync(queue, selector, offset, maxNums, block: true, cancellationToken);

    /// <summary>Sets the group's offset for a queue in memory; committed by the persist timer and on shutdown.</summary>
    public Task UpdateConsumeOffsetAsync(MessageQueue queue, long offset, CancellationToken cancellationToken = default)
    {
        _offsets.Update(queue, offset, increaseOnly: false);
        lock (_touchedLock)
        {
            _touched.Add(queue);
        }

        return Task.CompletedTask;
    }

    /// <summary>The group's offset: from memory unless <paramref name="fromStore"/>, then 14 to the broker (-1 when unknown).</summary>
    public async Task<long> FetchConsumeOffsetAsync(MessageQueue queue, bool fromStore = true, CancellationToken cancellationToken = default)
    {
        if (!fromStore)
        {
            long memory = _offsets.ReadFromMemory(queue);
            if (memory >= 0)
            {
                return memory;
            }
        }

        return await _offsets.ReadFromStoreAsync(queue, cancellationToken).ConfigureAwait(false);
    }

    public Task<long> MaxOffsetAsync(MessageQueue queue, CancellationToken cancellationToken = default) =>
        BrokerCalls.MaxOffsetAsync(_instance, queue, cancellationToken);

    public Task<long> MinOffsetAsync(MessageQueue queue, CancellationToken cancellationToken = default) =>
        BrokerCalls.MinOffsetAsync(_instance, queue, cancellationToken);

    public Task<long> SearchOffsetAsync(MessageQueue queue, DateTimeOffset timestamp, CancellationToken cancellationToken = default) =>
        BrokerCalls.SearchOffsetAsync(_instance, queue, timestamp.ToUnixTimeMilliseconds(), cancellationToken);

    /// <summary>Commits the offsets set in memory (15), unregisters (35) and releases the shared instance; safe to call twice.</summary>
    public async Task ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 1)
        {
            using var timeout = new CancellationTokenSource(_instance.Options.RequestTimeout);
            await _offsets.PersistAllAsync(Touched(), timeout.Token).ConfigureAwait(false);
            _instance.UnregisterConsumer(Group);
            await _instance.UnregisterClientAsync(null, Group, timeout.Token).ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            await _instance.ReleaseAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    ConsumerData IConsumerClient.BuildConsumerData() =>
        new()
        {
            GroupName = Group,
            ConsumeType = ConsumeType.ConsumeActively,
            MessageModel = MessageModel.Clustering,
            ConsumeFromWhere = ConsumeFromWhere.ConsumeFromLastOffset,
        };

    ConsumerRunningInfoBody IConsumerClient.BuildRunningInfo()
    {
        var info = new ConsumerRunningInfoBody();
        info.Properties["consumerGroup"] = Group;
        info.Properties[ConsumerRunningInfoBody.PropConsumeType] = "CONSUME_ACTIVELY";
        info.Properties[ConsumerRunningInfoBody.PropConsumeOrderly] = "false";
        info.Properties[ConsumerRunningInfoBody.PropThreadPoolCoreSize] = "0";
        return info;
    }

    Task IConsumerClient.RebalanceAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IConsumerClient.PersistOffsetsAsync(CancellationToken cancellationToken) =>
        _offsets.PersistAllAsync(Touched(), cancellationToken);

    Dictionary<MessageQueue, long> IConsumerOffsets.OffsetTableOf(string topic) => _offsets.TableOf(topic);

    void IConsumerOffsets.StopQueues(string topic, IReadOnlyDictionary<MessageQueue, long> offsets)
    {
        // The caller pulls; there is nothing of ours in flight to stop.
    }

    /// <summary>
    /// An operator's reset (220): the offsets in memory of the named queues become the reset ones,
    /// so <see cref="FetchConsumeOffsetAsync"/> returns them and the persist timer does not write
    /// the old ones back. Java's pull consumer ignores the request; the broker holds them already.
    /// </summary>
    Task IConsumerOffsets.ResetOffsetsAsync(string topic, IReadOnlyDictionary<MessageQueue, long> offsets, CancellationToken cancellationToken)
    {
        foreach (var (queue, offset) in offsets)
        {
            if (queue.Topic == topic && _offsets.ReadFromMemory(queue) >= 0)
            {
                _offsets.Update(queue, offset, increaseOnly: false);
            }
        }

        return Task.CompletedTask;
    }

    private List<MessageQueue> Touched()
    {
        lock (_touchedLock)
        {
            return [.. _touched];
        }
    }

    private async Task<PullResult> PullCoreAsync(MessageQueue queue, MessageSelector selector, long offset, int maxNums, bool block, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _state) != 1)
        {
            throw new MQClientException("The PullConsumer service state not OK, call StartAsync first.");
        }

        if (offset < 0 || maxNums <= 0)
        {
            throw new MQClientException("offset < 0 or maxNums <= 0");
        }

        ArgumentNullException.ThrowIfNull(selector);
        var subscription = BrokerCalls.BuildSubscription(queue.Topic, selector);
        subscription.SubVersion = 0;
        int sysFlag = PullSysFlag.Subscription | (block ? PullSysFlag.Suspend : 0);
        var request = new PullApi.PullRequest(
            Group, queue, offset, maxNums, sysFlag, 0, subscription, 0,
            block ? BrokerSuspendMaxTime : TimeSpan.Zero,
            block ? ConsumerTimeoutWhenSuspend : _instance.Options.RequestTimeout);
        return await PullApi.PullAsync(_instance, request, cancellationToken).ConfigureAwait(false);
    }
}
