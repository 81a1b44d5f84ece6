namespace AkkaMq.Broker;

/// <summary>
/// Ask the <see cref="StoreActor"/> to remove the consume queues of topics <paramref name="IsTopicKept"/>
/// rejects and trim the rest below the commit log's first offset; done between two batches, so
/// nothing races the writer. Replies <see cref="ConsumeQueuesCleaned"/>.
/// </summary>
public sealed record CleanConsumeQueues(Func<string, bool> IsTopicKept);

/// <summary>How many consume queues were removed.</summary>
public sealed record ConsumeQueuesCleaned(int Removed);

/// <summary>Ask the <see cref="StoreActor"/> to run retention now rather than on its next pass; replies <see cref="ExpiredFilesDeleted"/>.</summary>
public sealed record DeleteExpiredFiles
{
    public static DeleteExpiredFiles Instance { get; } = new();
}

/// <summary>How many commit-log segments retention deleted.</summary>
public sealed record ExpiredFilesDeleted(int Segments);
