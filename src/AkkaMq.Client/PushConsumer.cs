using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>
/// Push consumer (Java DefaultMQPushConsumer, wire doc 7.3). In clustering mode it rebalances the
/// group's queues with <see cref="AllocateMessageQueueAveragely"/>; in broadcasting mode every
/// instance takes every queue and keeps its offsets in a local file. It long-polls each assigned queue,
/// runs the listener on up to <see cref="ConsumeThreadCount"/> batches at once, commits the lowest
/// unconsumed offset and hands failed messages back (36, falling back to a send to the retry topic).
/// <para>
/// Ownership: the process-queue table is changed only by rebalance (under <see cref="_rebalanceLock"/>);
/// each process queue's pull state belongs to its pull loop.
/// </para>
/// </summary>
public sealed partial class PushConsumer : IAsyncDisposable, IConsumerClient
{
    private readonly ClientInstance _instance;
    private readonly ConcurrentDictionary<string, SubscriptionData> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<MessageQueue, ProcessQueue> _processQueues = new();
    private readonly SemaphoreSlim _rebalanceLock = new(1, 1);
    private OffsetStore _offsets;
    private Func<IReadOnlyList<MessageExt>, ConsumeContext, Task<ConsumeStatus>>? _listener;
    private Func<IReadOnlyList<MessageExt>, ConsumeOrderlyContext, Task<ConsumeOrderlyStatus>>? _orderlyListener;
    private readonly CancellationTokenSource _lockLoopStop = new();
    private Task _lockLoop = Task.CompletedTask;
    private SemaphoreSlim? _consumeSlots;
    private int _state; // 0 created, 1 running, 2 stopped
    private int _released;

    public PushConsumer(string group, ClientOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        Group = group;
        _instance = ClientInstance.Acquire(options);
        _offsets = new OffsetStore(_instance, group);
    }

    public string Group { get; }

    public string RetryTopic => TopicNames.RetryTopic(Group);

    public ConsumeFromWhere ConsumeFromWhere { get; set; } = ConsumeFromWhere.ConsumeFromLastOffset;

    /// <summary>Start point for <see cref="ConsumeFromWhere.ConsumeFromTimestamp"/> (default now − 30 min).</summary>
    public DateTimeOffset ConsumeTimestamp { get; set; } = DateTimeOffset.UtcNow.AddMinutes(-30);

    /// <summary>Listener calls running at once (Java consumeThreadMin/Max 20).</summary>
    public int ConsumeThreadCount { get; set; } = 20;

    public int ConsumeMessageBatchMaxSize { get; set; } = 1;

    public int PullBatchSize { get; set; } = 32;

    /// <summary>Flow control: stop pulling a queue with more cached messages than this.</summary>
    public int PullThresholdForQueue { get; set; } = 1000;

    /// <summary>Flow control: stop pulling a queue with more cached body bytes than this.</summary>
    public long PullThresholdSizeForQueue { get; set; } = 100L * 1024 * 1024;

    /// <summary>Redeliveries before the DLQ; -1 means 16.</summary>
    public int MaxReconsumeTimes { get; set; } = -1;

    /// <summary>
    /// Clustering (default): the group shares the queues and the broker keeps the offsets.
    /// Broadcasting: every instance gets every message; offsets are kept per instance in
    /// <see cref="OffsetStoreDirectory"/>, and failed messages are dropped (logged), not redelivered.
    /// </summary>
    public MessageModel MessageModel { get; set; } = MessageModel.Clustering;

    /// <summary>Where a broadcasting consumer keeps <c>&lt;clientId&gt;/&lt;group&gt;/offsets.json</c> (default <c>~/.akkamq_offsets</c>).</summary>
    public string OffsetStoreDirectory { get; set; } = LocalOffsetFile.DefaultDirectory;

    public bool IsBroadcasting => MessageModel == MessageModel.Broadcasting;

    /// <summary>Send the subscription expression on each pull (sysFlag 0x4).</summary>
    public bool PostSubscriptionWhenPull { get; set; } = true;

    /// <summary>How often an orderly consumer renews its queue locks (Java 20 s; the broker keeps a lock 60 s).</summary>
    public TimeSpan LockRenewInterval { get; set; } = TimeSpan.FromSeconds(20);

    public bool IsOrderly => _orderlyListener is not null;

    public ClientInstance Instance => _instance;

    /// <summary>The queues this consumer holds now.</summary>
    public IReadOnlyCollection<MessageQueue> AssignedQueues => (IReadOnlyCollection<MessageQueue>)_processQueues.Keys;

    IReadOnlyCollection<string> IConsumerClient.SubscribedTopics => (IReadOnlyCollection<string>)_subscriptions.Keys;

    /// <summary>Subscribes to a topic with <c>*</c> or <c>tagA || tagB</c>.</summary>
    public void Subscribe(string topic, string subExpression = "*") => Subscribe(topic, MessageSelector.ByTag(subExpression));

    /// <summary>Subscribes to a topic with a tag or SQL92 selector (<see cref="MessageSelector.BySql"/>).</summary>
    public void Subscribe(string topic, MessageSelector selector)
    {
        ArgumentNullException.ThrowIfNull(selector);
        TopicValidator.Validate(topic);
        _subscriptions[topic] = BrokerCalls.BuildSubscription(topic, selector);
        if (Volatile.Read(ref _state) == 1)
        {
            _instance.HeartbeatImmediately();
            _instance.RebalanceImmediately();
        }
    }

    public void Unsubscribe(string topic)
    {
        if (_subscriptions.TryRemove(topic, out _) && Volatile.Read(ref _state) == 1)
        {
            _instance.HeartbeatImmediately();
            _instance.RebalanceImmediately();
        }
    }

    /// <summary>Concurrent consumption: batches of a queue may run in parallel and in any order.</summary>
    public void RegisterListener(Func<IReadOnlyList<MessageExt>, ConsumeContext, Task<ConsumeStatus>> listener)
    {
        _listener = listener ?? throw new ArgumentNullException(nameof(listener));
        _orderlyListener = null;
    }

    /// <summary>
    /// Orderly consumption: each queue is locked on its broker (41) before it is pulled and its
    /// messages are delivered one batch at a time, in queue order.
    /// </summary>
    public void RegisterOrderlyListener(Func<IReadOnlyList<MessageExt>, ConsumeOrderlyContext, Task<ConsumeOrderlyStatus>> listener)
    {
        _orderlyListener = listener ?? throw new ArgumentNullException(nameof(listener));
        _listener = null;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_listener is null && _orderlyListener is null)
        {
            throw new MQClientException("messageListener is null, call RegisterListener first");
        }

        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new MQClientException("The PushConsumer service state not OK, maybe started once.");
        }

        if (!IsBroadcasting)
        {
            // Broadcasting consumers never send messages back, so they have no retry topic to read.
            _subscriptions[RetryTopic] = BrokerCalls.BuildSubscription(RetryTopic, "*");
        }

        _consumeSlots = new SemaphoreSlim(Math.Max(1, ConsumeThreadCount));
        if (!_instance.RegisterConsumer(this))
        {
            _state = 2;
            throw new MQClientException("The consumer group[" + Group + "] has been created before, specify another name please.");
        }

        foreach (var topic in _subscriptions.Keys)
        {
            try
            {
                await _instance.UpdateTopicRouteAsync(topic, cancellationToken).ConfigureAwait(false);
            }
            catch (MQClientException ex)
            {
                // As in Java: a name server that is down now does not stop the start; the route timer retries.
                Log.RouteRefreshFailed(_instance.Logger, topic, ex.Message);
            }
        }

        await PrepareStartAsync(cancellationToken).ConfigureAwait(false);
        await _instance.SendHeartbeatAsync(cancellationToken).ConfigureAwait(false);
        if (IsOrderly && !IsBroadcasting)
        {
            _lockLoop = Task.Run(LockLoopAsync, CancellationToken.None);
        }

        _instance.RebalanceImmediately();
    }

    /// <summary>Stops pulling, waits for running listeners, commits final offsets (15) and unregisters (35).</summary>
    public async Task ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 1)
        {
            await StopRunningAsync().ConfigureAwait(false);
        }

        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            await _instance.ReleaseAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    private async Task StopRunningAsync()
    {
        await _rebalanceLock.WaitAsync().ConfigureAwait(false);
        try
        {
            // Pulls stop first; listeners already running finish and settle their offsets
            // (queued batches see the stopped state and skip); then the final commit.
            await _lockLoopStop.CancelAsync().ConfigureAwait(false);
            await _lockLoop.ConfigureAwait(false);
            var queues = new List<MessageQueue>(_processQueues.Keys);
            var pulls = new List<Task>();
            foreach (var pq in _processQueues.Values)
            {
                pq.StopPulling();
                pulls.Add(pq.PullTask);
            }

            await Task.WhenAll(pulls).ConfigureAwait(false);
            await WaitForConsumersAsync().ConfigureAwait(false);
            using var timeout = new CancellationTokenSource(_instance.Options.RequestTimeout);
            await _offsets.PersistAllAsync(queues, timeout.Token).ConfigureAwait(false);
            foreach (var pq in _processQueues.Values)
            {
                pq.Drop();
            }

            if (IsOrderly && !IsBroadcasting)
            {
                await UnlockAsync(queues, timeout.Token).ConfigureAwait(false);
            }

            _processQueues.Clear();
            _instance.UnregisterConsumer(Group);
            await _instance.UnregisterClientAsync(null, Group, timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            _rebalanceLock.Release();
        }
    }

    ConsumerData IConsumerClient.BuildConsumerData()
    {
        var data = new ConsumerData
        {
            GroupName = Group,
            ConsumeType = ConsumeType.ConsumePassively,
            MessageModel = MessageModel,
            ConsumeFromWhere = ConsumeFromWhere,
        };
        data.SubscriptionDataSet.AddRange(_subscriptions.Values);
        return data;
    }

    async Task IConsumerClient.PersistOffsetsAsync(CancellationToken cancellationToken) =>
        await _offsets.PersistAllAsync(_processQueues.Keys, cancellationToken).ConfigureAwait(false);

    /// <summary>Waits until each in-flight delivery stops (each holds a consume slot).</summary>
    private async Task WaitForConsumersAsync()
    {
        var slots = _consumeSlots!;
        int count = Math.Max(1, ConsumeThreadCount);
        int taken = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            for (; taken < count; taken++)
            {
                await slots.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Log.LoopFailed(_instance.Logger, new TimeoutException("listeners still running after 30 s"), "consume-shutdown");
        }
        finally
        {
            if (taken > 0)
            {
                slots.Release(taken);
            }
        }
    }
}
