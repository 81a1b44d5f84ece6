using System.Globalization;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Protocol.Json;

namespace AkkaMq.Client;

/// <summary>The send kernel: header building, the request itself and response mapping.</summary>
public sealed partial class Producer
{
    /// <summary>
    /// Sends a batch (SEND_BATCH_MESSAGE, 320) to one queue chosen round-robin, with the same retries
    /// as a single send. All messages must share a topic; no delay, no retry topic.
    /// </summary>
    public async Task<SendResult> SendBatchAsync(IReadOnlyList<Message> messages, CancellationToken cancellationToken = default)
    {
        EnsureRunning();
        if (messages.Count == 0)
        {
            throw new MQClientException("Batch is empty.");
        }

        string topic = messages[0].Topic;
        foreach (var message in messages)
        {
            Validate(message);
            if (message.Topic != topic)
            {
                throw new MQClientException("The topic of the messages in one batch should be the same");
            }

            if (message.DelayTimeLevel > 0 || topic.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal))
            {
                throw new MQClientException("Delay and retry messages are not supported in a batch");
            }

            message.SetProperty(MessageProperty.UniqueClientMessageIdKey, message.UniqueKey ?? UniqueMessageId.Create());
        }

        var info = await _instance.GetPublishInfoAsync(topic, DefaultTopicQueueNums, cancellationToken).ConfigureAwait(false);
        var body = MessageBatch.Encode(messages);
        CheckBodySize(body.Length);
        var uniqueIds = new List<string>(messages.Count);
        foreach (var message in messages)
        {
            uniqueIds.Add(message.UniqueKey!);
        }

        var batch = new Message(topic, body) { WaitStoreMsgOk = messages[0].WaitStoreMsgOk };
        string msgId = string.Join(',', uniqueIds);
        int attempts = 1 + Math.Max(0, RetryTimesWhenSendFailed);
        string? lastBroker = null;
        Exception? lastError = null;
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            var queue = info.SelectOneMessageQueue(lastBroker);
            try
            {
                return (await SendCoreAsync(batch, queue, RequestCode.SendBatchMessage, body, 0, msgId, oneway: false, cancellationToken).ConfigureAwait(false))!;
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

    private Task<SendResult?> SendToQueueAsync(Message message, MessageQueue queue, bool oneway, CancellationToken cancellationToken)
    {
        string uniqueId = message.UniqueKey ?? UniqueMessageId.Create();
        message.SetProperty(MessageProperty.UniqueClientMessageIdKey, uniqueId);
        int sysFlag = 0;
        byte[] body = message.Body;
        if (body.Length >= CompressMsgBodyOverHowmuch)
        {
            // As Java 4.9.4+: the compressed bit plus the compression type ZLIB (3) in bits 8-10.
            body = MessageDecoder.Deflate(body);
            sysFlag |= MessageRecordLayout.SysFlagCompressed | MessageRecordLayout.SysFlagCompressionZlib;
        }

        if (message.GetProperty(MessageProperty.TransactionPrepared) == "true")
        {
            sysFlag |= MessageRecordLayout.SysFlagTransactionPrepared;
        }

        var code = UseSendMessageV2 ? RequestCode.SendMessageV2 : RequestCode.SendMessage;
        return SendCoreAsync(message, queue, code, body, sysFlag, uniqueId, oneway, cancellationToken);
    }

    private Task<SendResult?> SendCoreAsync(
        Message message,
        MessageQueue queue,
        RequestCode code,
        byte[] body,
        int sysFlag,
        string msgId,
        bool oneway,
        CancellationToken cancellationToken)
    {
        var header = BuildHeader(message, queue, sysFlag, code == RequestCode.SendBatchMessage);
        var request = CommandHeader.CreateRequest(code, header, body, SendMessageRequestHeader.KeyStyleFor((int)code));

        // The common case, a known broker and an answer to wait for: only the wait is asynchronous.
        return !oneway && _instance.FindMasterAddress(queue.BrokerName) is { } known
            ? AwaitSendResultAsync(_instance.Remoting.InvokeAsync(known, request, _instance.Options.RequestTimeout, cancellationToken), queue, msgId, known)
            : SendToBrokerAsync(request, queue, msgId, oneway, cancellationToken);
    }

    private static async Task<SendResult?> AwaitSendResultAsync(Task<RemotingCommand> pending, MessageQueue queue, string msgId, string address) =>
        ToSendResult(await pending.ConfigureAwait(false), queue, msgId, address);

    /// <summary>Finds (or first looks up) the queue's broker, then sends; null for one-way.</summary>
    private async Task<SendResult?> SendToBrokerAsync(RemotingCommand request, MessageQueue queue, string msgId, bool oneway, CancellationToken cancellationToken)
    {
        string address = await FindMasterAsync(queue, cancellationToken).ConfigureAwait(false);
        if (oneway)
        {
            await _instance.Remoting.InvokeOnewayAsync(address, request, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var response = await _instance.Remoting.InvokeAsync(address, request, _instance.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        return ToSendResult(response, queue, msgId, address);
    }

    private SendMessageRequestHeader BuildHeader(Message message, MessageQueue queue, int sysFlag, bool batch)
    {
        var properties = message.Map;
        var header = new SendMessageRequestHeader
        {
            ProducerGroup = Group,
            Topic = message.Topic,
            DefaultTopic = TopicNames.AutoCreateTemplate,
            DefaultTopicQueueNums = DefaultTopicQueueNums,
            QueueId = queue.QueueId,
            SysFlag = sysFlag,
            BornTimestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Flag = message.Flag,
            UnitMode = false,
            Batch = batch,
            BrokerName = queue.BrokerName,
        };
        if (message.Topic.StartsWith(TopicNames.RetryPrefix, StringComparison.Ordinal))
        {
            // Moved from the properties into header j / l, as the Java client does (on a copy:
            // the caller's message keeps them).
            properties = new Dictionary<string, string>(properties, StringComparer.Ordinal);
            if (properties.Remove(MessageProperty.ReconsumeTime, out var reconsume))
            {
                header.ReconsumeTimes = int.Parse(reconsume, CultureInfo.InvariantCulture);
            }

            if (properties.Remove(MessageProperty.MaxReconsumeTimes, out var max))
            {
                header.MaxReconsumeTimes = int.Parse(max, CultureInfo.InvariantCulture);
            }
        }

        header.Properties = MessageProperties.Encode(properties);
        return header;
    }

    private async ValueTask<string> FindMasterAsync(MessageQueue queue, CancellationToken cancellationToken)
    {
        string? address = _instance.FindMasterAddress(queue.BrokerName);
        if (address is null)
        {
            await _instance.UpdateTopicRouteAsync(queue.Topic, cancellationToken).ConfigureAwait(false);
            address = _instance.FindMasterAddress(queue.BrokerName);
        }

        return address ?? throw new MQClientException("The broker[" + queue.BrokerName + "] not exist");
    }

    private static SendResult ToSendResult(RemotingCommand response, MessageQueue queue, string msgId, string address)
    {
        var status = response.Code switch
        {
            (int)ResponseCode.Success => SendStatus.SendOk,
            (int)ResponseCode.FlushDiskTimeout => SendStatus.FlushDiskTimeout,
            (int)ResponseCode.FlushSlaveTimeout => SendStatus.FlushSlaveTimeout,
            (int)ResponseCode.SlaveNotAvailable => SendStatus.SlaveNotAvailable,
            _ => throw new MQBrokerException(response.Code, response.Remark, address),
        };
        if (!CommandHeader.TryDecode<SendMessageResponseHeader>(response, out var header, out var error))
        {
            throw new MQClientException("Bad send response from " + address + ": " + error);
        }

        return new SendResult(
            status,
            msgId,
            header.MsgId,
            new MessageQueue(queue.Topic, queue.BrokerName, header.QueueId),
            header.QueueOffset,
            header.MsgRegion,
            header.TraceOn != "false");
    }
}
