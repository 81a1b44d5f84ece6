using System.Threading.Channels;

namespace AkkaMq.Actors.TestKit;

/// <summary>
/// A reference that records what it is told, for expectations in tests. It can watch actors (a
/// <see cref="Terminated"/> then arrives like any message) and be watched. Expectations wait on
/// the wall clock, also when the system runs on virtual time.
/// </summary>
public sealed class TestProbe : IActorRef, IInternalActorRef
{
    private readonly Channel<Envelope> _queue = Channel.CreateUnbounded<Envelope>();
    private readonly HashSet<IInternalActorRef> _watchers = [];
    private readonly TimeSpan _defaultTimeout;

    internal TestProbe(ActorSystem system, string name, TimeSpan defaultTimeout)
    {
        System = system;
        Path = ActorPath.Root(system.Name).Child("system").Child(name);
        _defaultTimeout = defaultTimeout;
    }

    /// <inheritdoc />
    public ActorPath Path { get; }

    /// <summary>The system the probe belongs to.</summary>
    public ActorSystem System { get; }

    /// <summary>The sender of the last message received by an expectation.</summary>
    public IActorRef? LastSender { get; private set; }

    /// <summary>The last message received by an expectation.</summary>
    public object? LastMessage { get; private set; }

    /// <inheritdoc />
    public void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        _queue.Writer.TryWrite(new Envelope(message, sender));
    }

    void IInternalActorRef.SendSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case Watch watch:
                lock (_watchers)
                {
                    _watchers.Add(watch.Watcher);
                }

                break;
            case Unwatch unwatch:
                lock (_watchers)
                {
                    _watchers.Remove(unwatch.Watcher);
                }

                break;
            case DeathWatchNotification death:
                _queue.Writer.TryWrite(new Envelope(new Terminated(death.Actor), death.Actor));
                break;
            case Terminate:
                NotifyWatchers();
                break;
        }
    }

    /// <summary>Tells <paramref name="message"/> to <paramref name="target"/> with this probe as sender.</summary>
    public void Send(IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Tell(message, this);
    }

    /// <summary>Replies to <see cref="LastSender"/> with this probe as sender.</summary>
    public void Reply(object message)
    {
        IActorRef sender = LastSender ?? throw new InvalidOperationException("The probe has received nothing to reply to");
        sender.Tell(message, this);
    }

    /// <summary>After this, a <see cref="Terminated"/> arrives at this probe when <paramref name="subject"/> stops.</summary>
    public IActorRef Watch(IActorRef subject)
    {
        if (subject is IInternalActorRef target)
        {
            target.SendSystemMessage(new Watch(target, this));
        }

        return subject;
    }

    /// <summary>Stops watching <paramref name="subject"/>.</summary>
    public IActorRef Unwatch(IActorRef subject)
    {
        if (subject is IInternalActorRef target)
        {
            target.SendSystemMessage(new Unwatch(target, this));
        }

        return subject;
    }

    /// <summary>The next message, or null when none arrives within <paramref name="max"/>.</summary>
    public async Task<object?> ReceiveOneAsync(TimeSpan? max = null)
    {
        TimeSpan wait = WithinScope.Remaining(max ?? _defaultTimeout);
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(cts.Token).ConfigureAwait(false))
            {
                if (_queue.Reader.TryRead(out Envelope envelope))
                {
                    LastMessage = envelope.Message;
                    LastSender = envelope.Sender;
                    return envelope.Message;
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return null; // the wait ran out: "no message" is the answer, not an error
        }

        return null;
    }

    /// <summary>Expects the next message to be a <typeparamref name="T"/> within <paramref name="max"/>.</summary>
    public async Task<T> ExpectMsgAsync<T>(TimeSpan? max = null)
    {
        TimeSpan wait = WithinScope.Remaining(max ?? _defaultTimeout);
        object? message = await ReceiveOneAsync(wait).ConfigureAwait(false);
        return message switch
        {
            null => throw new TestKitAssertionException($"{Path}: timeout ({wait.TotalMilliseconds} ms) waiting for {typeof(T).Name}"),
            T typed => typed,
            _ => throw new TestKitAssertionException($"{Path}: expected {typeof(T).Name} but got {message.GetType().Name}: {message}"),
        };
    }

    /// <summary>Expects the next message to be a <typeparamref name="T"/> matching <paramref name="predicate"/>.</summary>
    public async Task<T> ExpectMsgAsync<T>(Func<T, bool> predicate, TimeSpan? max = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        T message = await ExpectMsgAsync<T>(max).ConfigureAwait(false);
        return predicate(message) ? message
            : throw new TestKitAssertionException($"{Path}: {typeof(T).Name} {message} does not match the expectation");
    }

    /// <summary>Expects the next message to equal <paramref name="expected"/>.</summary>
    public async Task<T> ExpectMsgAsync<T>(T expected, TimeSpan? max = null)
        where T : notnull
    {
        T message = await ExpectMsgAsync<T>(max).ConfigureAwait(false);
        return EqualityComparer<T>.Default.Equals(message, expected) ? message
            : throw new TestKitAssertionException($"{Path}: expected {expected} but got {message}");
    }

    /// <summary>Expects no message for <paramref name="duration"/>.</summary>
    public async Task ExpectNoMsgAsync(TimeSpan duration)
    {
        object? message = await ReceiveOneAsync(duration).ConfigureAwait(false);
        if (message is not null)
        {
            throw new TestKitAssertionException($"{Path}: expected no message but got {message.GetType().Name}: {message}");
        }
    }

    /// <summary>Skips messages until a <typeparamref name="T"/> matching <paramref name="predicate"/> arrives.</summary>
    public async Task<T> FishForMessageAsync<T>(Func<T, bool> predicate, TimeSpan? max = null)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        TimeSpan wait = WithinScope.Remaining(max ?? _defaultTimeout);
        DateTime deadline = DateTime.UtcNow + wait;
        while (true)
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            object? message = left > TimeSpan.Zero ? await ReceiveOneAsync(left).ConfigureAwait(false) : null;
            if (message is null)
            {
                throw new TestKitAssertionException($"{Path}: timeout ({wait.TotalMilliseconds} ms) fishing for {typeof(T).Name}");
            }

            if (message is T typed && predicate(typed))
            {
                return typed;
            }
        }
    }

    /// <summary>Expects <see cref="Terminated"/> for <paramref name="subject"/> (watch it first).</summary>
    public Task<Terminated> ExpectTerminatedAsync(IActorRef subject, TimeSpan? max = null) =>
        ExpectMsgAsync<Terminated>(t => ReferenceEquals(t.ActorRef, subject), max);

    /// <summary>Blocking form of <see cref="ExpectMsgAsync{T}(TimeSpan?)"/>.</summary>
    public T ExpectMsg<T>(TimeSpan? max = null) => ExpectMsgAsync<T>(max).GetAwaiter().GetResult();

    /// <summary>Blocking form of <see cref="ExpectMsgAsync{T}(Func{T, bool}, TimeSpan?)"/>.</summary>
    public T ExpectMsg<T>(Func<T, bool> predicate, TimeSpan? max = null) => ExpectMsgAsync(predicate, max).GetAwaiter().GetResult();

    /// <summary>Blocking form of <see cref="ExpectNoMsgAsync"/>.</summary>
    public void ExpectNoMsg(TimeSpan duration) => ExpectNoMsgAsync(duration).GetAwaiter().GetResult();

    /// <summary>Blocking form of <see cref="FishForMessageAsync{T}"/>.</summary>
    public T FishForMessage<T>(Func<T, bool> predicate, TimeSpan? max = null) => FishForMessageAsync(predicate, max).GetAwaiter().GetResult();

    /// <inheritdoc />
    public override string ToString() => Path.ToString();

    internal void NotifyWatchers()
    {
        IInternalActorRef[] watchers;
        lock (_watchers)
        {
            watchers = [.. _watchers];
            _watchers.Clear();
        }

        var notification = new DeathWatchNotification(this);
        foreach (IInternalActorRef watcher in watchers)
        {
            watcher.SendSystemMessage(notification);
        }
    }
}
