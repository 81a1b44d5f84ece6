using System.Collections.Concurrent;
using AkkaMq.Remoting.Protocol;
using AkkaMq.Remoting.Protocol.Headers;
using AkkaMq.Remoting.Transport;

namespace AkkaMq.Client;

/// <summary>CHECK_TRANSACTION_STATE (39): the broker asks a transactional producer about an undecided half.</summary>
public sealed partial class ClientInstance
{
    private readonly ConcurrentDictionary<string, TransactionProducer> _transactionProducers = new(StringComparer.Ordinal);

    internal bool RegisterTransactionProducer(TransactionProducer producer) => _transactionProducers.TryAdd(producer.Group, producer);

    internal void UnregisterTransactionProducer(TransactionProducer producer) =>
        _transactionProducers.TryRemove(new KeyValuePair<string, TransactionProducer>(producer.Group, producer));

    /// <summary>Hands the check to the producer of the half's PGROUP; one-way, so nothing is answered here.</summary>
    private void OnCheckTransactionState(RemotingConnection connection, RemotingCommand request)
    {
        if (!CommandHeader.TryDecode<CheckTransactionStateRequestHeader>(request, out var header, out var error))
        {
            TransactionLog.CheckRejected(Logger, connection.RemoteAddress, error ?? "bad header");
            return;
        }

        if (!MessageDecoder.TryDecode(request.Body, out var message, out _))
        {
            TransactionLog.CheckRejected(Logger, connection.RemoteAddress, "the body is not a message record");
            return;
        }

        string group = message.GetProperty(MessageProperty.ProducerGroup) ?? string.Empty;
        if (!_transactionProducers.TryGetValue(group, out var producer))
        {
            TransactionLog.CheckForUnknownGroup(Logger, group);
            return;
        }

        producer.CheckTransactionState(connection.RemoteAddress, message, header);
    }
}
