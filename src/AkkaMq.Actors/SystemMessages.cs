namespace AkkaMq.Actors;

/// <summary>
/// Kernel messages on the priority path of a mailbox: they are processed before any queued user
/// message, and even while the actor is suspended after a failure.
/// </summary>
internal abstract record SystemMessage;

/// <summary>Builds the actor instance and runs PreStart (the first message of every cell).</summary>
internal sealed record Create : SystemMessage
{
    public static Create Instance { get; } = new();
}

/// <summary>Stop: children first, then PostStop, then watchers and parent are told.</summary>
internal sealed record Terminate : SystemMessage
{
    public static Terminate Instance { get; } = new();
}

/// <summary>Supervisor's verdict: continue with the same instance and state.</summary>
internal sealed record Resume : SystemMessage
{
    public static Resume Instance { get; } = new();
}

/// <summary>Supervisor's verdict: replace the instance (PreRestart, new instance, PostRestart).</summary>
internal sealed record Recreate(Exception Cause, object? FailedMessage) : SystemMessage;

/// <summary>A child reports that it failed and is suspended until its parent decides.</summary>
internal sealed record Failed(ActorCell Child, Exception Cause, object? FailedMessage) : SystemMessage;

/// <summary>A child has fully stopped; its name is free again.</summary>
internal sealed record ChildTerminated(ActorCell Child) : SystemMessage;

internal sealed record Watch(IInternalActorRef Watchee, IInternalActorRef Watcher) : SystemMessage;

internal sealed record Unwatch(IInternalActorRef Watchee, IInternalActorRef Watcher) : SystemMessage;

/// <summary>A watched actor stopped; becomes a <see cref="Terminated"/> for the watcher's behaviour.</summary>
internal sealed record DeathWatchNotification(IInternalActorRef Actor) : SystemMessage;
