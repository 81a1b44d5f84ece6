namespace AkkaMq.Remoting.Protocol.Headers;

/// <summary>GET_CONSUMER_LIST_BY_GROUP (38) request; the answer is a body.</summary>
public sealed class GetConsumerListByGroupRequestHeader : ICommandHeader<GetConsumerListByGroupRequestHeader>
{
    public string ConsumerGroup { get; set; } = string.Empty;

    public static HeaderTable<GetConsumerListByGroupRequestHeader> Table { get; } = new HeaderTable<GetConsumerListByGroupRequestHeader>()
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v, required: true);
}

/// <summary>UNREGISTER_CLIENT (35) request.</summary>
public sealed class UnregisterClientRequestHeader : ICommandHeader<UnregisterClientRequestHeader>
{
    public string ClientId { get; set; } = string.Empty;

    public string? ProducerGroup { get; set; }

    public string? ConsumerGroup { get; set; }

    public static HeaderTable<UnregisterClientRequestHeader> Table { get; } = new HeaderTable<UnregisterClientRequestHeader>()
        .String("clientID", static h => h.ClientId, static (h, v) => h.ClientId = v, required: true)
        .String("producerGroup", static h => h.ProducerGroup, static (h, v) => h.ProducerGroup = v)
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v);
}

/// <summary>NOTIFY_CONSUMER_IDS_CHANGED (40), broker to client, one-way.</summary>
public sealed class NotifyConsumerIdsChangedRequestHeader : ICommandHeader<NotifyConsumerIdsChangedRequestHeader>
{
    public string ConsumerGroup { get; set; } = string.Empty;

    public static HeaderTable<NotifyConsumerIdsChangedRequestHeader> Table { get; } = new HeaderTable<NotifyConsumerIdsChangedRequestHeader>()
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v, required: true);
}

/// <summary>GET_CONSUMER_RUNNING_INFO (307), relayed broker to client.</summary>
public sealed class GetConsumerRunningInfoRequestHeader : ICommandHeader<GetConsumerRunningInfoRequestHeader>
{
    public string ConsumerGroup { get; set; } = string.Empty;

    public string ClientId { get; set; } = string.Empty;

    public bool? JstackEnable { get; set; }

    public static HeaderTable<GetConsumerRunningInfoRequestHeader> Table { get; } = new HeaderTable<GetConsumerRunningInfoRequestHeader>()
        .String("consumerGroup", static h => h.ConsumerGroup, static (h, v) => h.ConsumerGroup = v, required: true)
        .String("clientId", static h => h.ClientId, static (h, v) => h.ClientId = v, required: true)
        .Boolean("jstackEnable", static h => h.JstackEnable, static (h, v) => h.JstackEnable = v);
}

/// <summary>END_TRANSACTION (37), one-way; commitOrRollback is 0 (unknown), 8 (commit) or 12 (rollback).</summary>
public sealed class EndTransactionRequestHeader : ICommandHeader<EndTransactionRequestHeader>
{
    public string ProducerGroup { get; set; } = string.Empty;

    public long TranStateTableOffset { get; set; }

    public long CommitLogOffset { get; set; }

    public int CommitOrRollback { get; set; }

    public bool? FromTransactionCheck { get; set; }

    public string MsgId { get; set; } = string.Empty;

    public string? TransactionId { get; set; }

    public string? BrokerName { get; set; }

    public static HeaderTable<EndTransactionRequestHeader> Table { get; } = new HeaderTable<EndTransactionRequestHeader>()
        .String("producerGroup", static h => h.ProducerGroup, static (h, v) => h.ProducerGroup = v, required: true)
        .Int64("tranStateTableOffset", static h => h.TranStateTableOffset, static (h, v) => h.TranStateTableOffset = v, required: true)
        .Int64("commitLogOffset", static h => h.CommitLogOffset, static (h, v) => h.CommitLogOffset = v, required: true)
        .Int32("commitOrRollback", static h => h.CommitOrRollback, static (h, v) => h.CommitOrRollback = v, required: true)
        .Boolean("fromTransactionCheck", static h => h.FromTransactionCheck, static (h, v) => h.FromTransactionCheck = v)
        .String("msgId", static h => h.MsgId, static (h, v) => h.MsgId = v, required: true)
        .String("transactionId", static h => h.TransactionId, static (h, v) => h.TransactionId = v)
        .String("bname", static h => h.BrokerName, static (h, v) => h.BrokerName = v);
}

/// <summary>CHECK_TRANSACTION_STATE (39), broker to client, one-way; body = the half record.</summary>
public sealed class CheckTransactionStateRequestHeader : ICommandHeader<CheckTransactionStateRequestHeader>
{
    public long TranStateTableOffset { get; set; }

    public long CommitLogOffset { get; set; }

    public string? MsgId { get; set; }

    public string? TransactionId { get; set; }

    public string? OffsetMsgId { get; set; }

    public static HeaderTable<CheckTransactionStateRequestHeader> Table { get; } = new HeaderTable<CheckTransactionStateRequestHeader>()
        .Int64("tranStateTableOffset", static h => h.TranStateTableOffset, static (h, v) => h.TranStateTableOffset = v, required: true)
        .Int64("commitLogOffset", static h => h.CommitLogOffset, static (h, v) => h.CommitLogOffset = v, required: true)
        .String("msgId", static h => h.MsgId, static (h, v) => h.MsgId = v)
        .String("transactionId", static h => h.TransactionId, static (h, v) => h.TransactionId = v)
        .String("offsetMsgId", static h => h.OffsetMsgId, static (h, v) => h.OffsetMsgId = v);
}
