using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>
/// Sends messages (Java DefaultMQProducer, wire doc 7.2): route lookup with the TBW102 fallback,
/// round-robin queue choice skipping the broker that just failed, and 1 + <see cref="RetryTimesWhenSendFailed"/>
/// attempts on network errors and codes 17, 14, 1, 16, 204, 205.
/// </summary>
public sealed partial class Producer : IAsyncDisposable
{
    private static readonly int[] RetryCodes = [17, 14, 1, 16, 204, 205];

    private readonly ClientInstance _instance;
    private readonly bool _ownsInstance;
    private int _state; // 0 created, 1 running, 2 stopped
    private int _released;

    public Producer(string group, ClientOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(group);
        Group = group;
        _instance = ClientInstance.Acquire(options);
        _ownsInstance = true;
    }

    internal Producer(string group, ClientInstance instance)
    {
        Group = group;
        _instance = instance;
    }

    public string Group { get; }

    /// <summary>Extra attempts of a synchronous send (Java default 2, so 3 in all).</summary>
    public int RetryTimesWhenSendFailed { get; set; } = 2;

    /// <summary>Bodies at least this long are zlib-compressed (sysFlag 0x1).</summary>
    public int CompressMsgBodyOverHowmuch { get; set; } = 4096;

    /// <summary>Queue count requested for auto-created topics (header d).</summary>
    public int DefaultTopicQueueNums { get; set; } = 4;

    /// <summary>
    /// Largest body sent, checked before compression as the Java client does (and, for a batch,
    /// on the whole encoded batch too); the broker holds the body it receives to its own
    /// max-message-size.
    /// </summary>
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Send with SEND_MESSAGE_V2 (310, one-letter keys); false = SEND_MESSAGE (10).</summary>
    public bool UseSendMessageV2 { get; set; } = true;

    public ClientInstance Instance => _instance;

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new MQClientException("The producer service state not OK, maybe started once.");
        }

        if (!_instance.RegisterProducer(Group))
        {
            _state = 2;
            throw new MQClientException("The producer group[" + Group + "] has been created before, specify another name please.");
        }

        await _instance.SendHeartbeatAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends with retries; returns the store status or throws.</summary>
    public async Task<SendResult> SendAsync(Message message, CancellationToken cancellationToken = default)
    {
        EnsureRunning();
        Validate(message);
        var info = await _instance.GetPublishInfoAsync(message.Topic, DefaultTopicQueueNums, cancellationToken).ConfigureAwait(false);
        int attempts = 1 + Math.Max(0, RetryTimesWhenSendFailed);
        string? lastBroker = null;
        Exception? lastError = null;
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            var queue = info.SelectOneMessageQueue(lastBroker);
            try
            {
                return (await SendToQueueAsync(message, queue, oneway: false, cancellationToken).ConfigureAwait(false))!;
            }
            catch (Exception ex) when (IsRetriable(ex))
            {
                Log.SendAttemptFailed(_instance.Logger, queue.ToString(), attempt, ex.Message);
                lastError = ex;
                lastBroker = queue.BrokerName;
            }
        }

        throw new MQClientException("Send [" + attempts + "] times, still failed: " + lastError!.Message, lastError);
    }

    /// <summary>Sends to one queue, one attempt.</summary>
    public async Task<SendResult> SendAsync(Message message, MessageQueue queue, CancellationToken cancellationToken = default)
    {
        EnsureRunning();
        Validate(message);
        if (queue.Topic != message.Topic)
        {
            throw new MQClientException("message's topic not equal mq's topic");
        }

        return (await SendToQueueAsync(message, queue, oneway: false, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Ordered send: the selector picks the queue from the publish queues (e.g. by order id).</summary>
    public Task<SendResult> SendAsync(Message message, IMessageQueueSelector selector, object? arg, CancellationToken cancellationToken = default) =>
        SendAsync(message, selector.Select, arg, cancellationToken);

    public async Task<SendResult> SendAsync(
        Message message,
        Func<IReadOnlyList<MessageQueue>, Message, object?, MessageQueue> selector,
        object? arg,
        CancellationToken cancellationToken = default)
    {
        EnsureRunning();
        Validate(message);
        var info = await _instance.GetPublishInfoAsync(message.Topic, DefaultTopicQueueNums, cancellationToken).ConfigureAwait(false);
        var queue = selector(info.Queues, message, arg);
        return (await SendToQueueAsync(message, queue, oneway: false, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Fire and forget: one attempt, no response (oneway flag).</summary>
    public async Task SendOnewayAsync(Message message, CancellationToken cancellationToken = default)
    {
        EnsureRunning();
        Validate(message);
        var info = await _instance.GetPublishInfoAsync(message.Topic, DefaultTopicQueueNums, cancellationToken).ConfigureAwait(false);
        await SendToQueueAsync(message, info.SelectOneMessageQueue(), oneway: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The publish queues of a topic.</summary>
    public async Task<IReadOnlyList<MessageQueue>> FetchPublishMessageQueuesAsync(string topic, CancellationToken cancellationToken = default)
    {
        var info = await _instance.GetPublishInfoAsync(topic, DefaultTopicQueueNums, cancellationToken).ConfigureAwait(false);
        return info.Queues;
    }

    /// <summary>Unregisters the group (35 to every broker) and releases the shared instance; safe to call twice.</summary>
    public async Task ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 1)
        {
            _instance.UnregisterProducer(Group);
            using var timeout = new CancellationTokenSource(_instance.Options.RequestTimeout);
            await _instance.UnregisterClientAsync(Group, null, timeout.Token).ConfigureAwait(false);
        }

        if (_ownsInstance && Interlocked.Exchange(ref _released, 1) == 0)
        {
            await _instance.ReleaseAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    internal static bool IsRetriable(Exception exception) =>
        ClientInstance.IsNetworkError(exception)
        || (exception is MQBrokerException broker && Array.IndexOf(RetryCodes, broker.ResponseCode) >= 0);

    private void EnsureRunning()
    {
        if (Volatile.Read(ref _state) != 1)
        {
            throw new MQClientException("The producer service state not OK, call StartAsync first (or it was shut down).");
        }
    }

    private void Validate(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        TopicValidator.Validate(message.Topic);
        if (message.Body is null || message.Body.Length == 0)
        {
            throw new MQClientException((int)ResponseCode.MessageIllegal, "the message body length is zero");
        }

        CheckBodySize(message.Body.Length);
    }

    /// <summary>Java's Validators.checkMessage: MESSAGE_ILLEGAL before anything is sent.</summary>
    private void CheckBodySize(int length)
    {
        if (length > MaxMessageSize)
        {
            throw new MQClientException((int)ResponseCode.MessageIllegal, "the message body size over max value, MAX: " + MaxMessageSize);
        }
    }
}

/// <summary>Topic name rules of the Java client: 1..127 chars of <c>%|a-zA-Z0-9_-</c>.</summary>
public static class TopicValidator
{
    public static void Validate(string? topic)
    {
        if (string.IsNullOrWhiteSpace(topic))
        {
            throw new MQClientException("The specified topic is blank.");
        }

        if (topic.Length > 127)
        {
            throw new MQClientException("The specified topic is longer than topic max length 127.");
        }

        foreach (char c in topic)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '%' or '|' or '_' or '-'))
            {
                throw new MQClientException("The specified topic[" + topic + "] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$");
            }
        }
    }
}
