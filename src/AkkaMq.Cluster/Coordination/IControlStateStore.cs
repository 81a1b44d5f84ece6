namespace AkkaMq.Cluster.Coordination;

/// <summary>
/// Durable control state (route table, broker groups, epochs): small documents by key. The
/// embedded kind keeps them in files on this node; the etcd kind keeps them in etcd so any
/// controller can take over.
/// </summary>
public interface IControlStateStore
{
    /// <summary>The document stored under <paramref name="key"/>, or null when there is none.</summary>
    ValueTask<byte[]?> LoadAsync(string key, CancellationToken cancellation);

    /// <summary>Replaces the document under <paramref name="key"/>; durable when the task completes.</summary>
    ValueTask SaveAsync(string key, ReadOnlyMemory<byte> document, CancellationToken cancellation);
}
