using System.Runtime.ExceptionServices;

namespace AkkaMq.Actors;

/// <summary>Request-reply from outside an actor.</summary>
public static class AskExtensions
{
    private static long s_nextAskId;

    /// <summary>
    /// Tells <paramref name="message"/> with a temporary reply-to and waits for the first reply.
    /// Fails with <see cref="AskTimeoutException"/> (naming the target path and the message type)
    /// when no reply arrives within <paramref name="timeout"/> of the system's clock, with the
    /// cause of a <see cref="Status.Failure"/> reply, and with <see cref="InvalidCastException"/>
    /// for a reply that is not a <typeparamref name="T"/>.
    /// </summary>
    public static async Task<T> Ask<T>(this IActorRef target, object message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        TimeProvider time = target is LocalActorRef local ? local.Cell.TimeProvider : TimeProvider.System;
        var promise = new PromiseActorRef(target.Path.SystemName, Interlocked.Increment(ref s_nextAskId));
        target.Tell(message, promise);
        object reply;
        try
        {
            reply = await promise.Reply.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new AskTimeoutException(
                $"Ask to {target.Path} with message of type {message.GetType().Name} got no reply within {timeout.TotalMilliseconds} ms");
        }

        if (reply is Status.Failure failure && typeof(T) != typeof(Status.Failure))
        {
            ExceptionDispatchInfo.Throw(failure.Cause);
        }

        if (reply is T typed)
        {
            return typed;
        }

        throw new InvalidCastException(
            $"Ask to {target.Path} with {message.GetType().Name} expected a {typeof(T).Name} reply but got {reply.GetType().Name}");
    }

    /// <summary>
    /// A one-shot reference that completes a task with the first message it is told. Its path
    /// (<c>akkamq://system/temp/ask-N</c>) is built only if someone asks for it, keeping the
    /// common ask cheaper.
    /// </summary>
    private sealed class PromiseActorRef(string systemName, long id) : IActorRef
    {
        private readonly TaskCompletionSource<object> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private ActorPath? _path;

        public ActorPath Path => _path ??= ActorPath.Root(systemName).Child("temp")
            .Child("ask-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture));

        public Task<object> Reply => _reply.Task;

        public void Tell(object message, IActorRef? sender = null) => _reply.TrySetResult(message);

        public override string ToString() => Path.ToString();
    }
}
