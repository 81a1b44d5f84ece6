namespace AkkaMq.Codec;

/// <summary>
/// A message handed to the store to encode (<see cref="MessageRecordLayout.Encode"/>). The store
/// assigns the commit-log offset, queue offset and store timestamp. <see cref="Properties"/> is
/// RocketMQ's <c>name\u0001value\u0002</c> string.
/// </summary>
public readonly record struct MessageToStore(
    string Topic,
    int QueueId,
    int Flag,
    ReadOnlyMemory<byte> Body,
    string Properties,
    long BornTimestamp,
    IPv4Endpoint BornHost,
    IPv4Endpoint StoreHost,
    int SysFlag = 0,
    int ReconsumeTimes = 0,
    long PreparedTransactionOffset = 0);
