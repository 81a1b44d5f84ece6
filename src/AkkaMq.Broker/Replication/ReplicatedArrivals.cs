namespace AkkaMq.Broker.Replication;

/// <summary>
/// Which appends of replicated records a follower's broker actor hears of. It needs every one
/// while queue partitions exist on this broker (they may hold pulls that wait for those records).
/// Otherwise all it does with them is reload offsets and subscription groups from the log, at most
/// once a second, and one notice until that reload is enough. A notice wakes a pool thread, and a
/// follower appends hundreds of batches a second under load. The stream's thread asks
/// <see cref="ShouldNotify"/> after each append; the broker actor calls <see cref="PartitionsExist"/>
/// and <see cref="Reloading"/>.
/// </summary>
public sealed class ReplicatedArrivals
{
    private int _partitions;
    private int _reloadPending;

    /// <summary>The broker actor made a queue partition: every append is told from now on.</summary>
    public void PartitionsExist() => Interlocked.Exchange(ref _partitions, 1);

    /// <summary>
    /// After an append: whether to tell the broker actor. Reads with a full fence, so a partition made
    /// meanwhile either sees the appended records when it registers a pull or is told of them.
    /// </summary>
    public bool ShouldNotify() =>
        Interlocked.CompareExchange(ref _partitions, 0, 0) == 1 || Interlocked.Exchange(ref _reloadPending, 1) == 0;

    /// <summary>The broker actor is about to read the log's state: appends from now on are told again.</summary>
    public void Reloading() => Interlocked.Exchange(ref _reloadPending, 0);
}
