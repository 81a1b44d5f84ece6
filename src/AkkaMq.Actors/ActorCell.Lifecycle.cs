using Microsoft.Extensions.Logging;

namespace AkkaMq.Actors;

/// <summary>Creation, failure, supervision, restart, stop and death watch of a cell.</summary>
internal sealed partial class ActorCell
{
    private enum AfterChildren
    {
        None,
        Restart,
        Terminate,
    }

    private int _consecutiveFailures;
    private bool _terminating;
    private AfterChildren _afterChildren;
    private Exception? _restartCause;
    private ITimer? _restartTimer;
    private HashSet<IInternalActorRef>? _watching;
    private HashSet<IInternalActorRef>? _watchedBy;

    private void HandleSystem(SystemMessage message)
    {
        if (_terminated)
        {
            if (message is Watch late)
            {
                late.Watcher.SendSystemMessage(new DeathWatchNotification(Self));
            }

            return;
        }

        switch (message)
        {
            case Create:
                TryCreateInstance(null);
                break;
            case Terminate:
                BeginTerminate();
                break;
            case Resume:
                _suspended = _terminating;
                break;
            case Recreate recreate:
                BeginRestart(recreate);
                break;
            case Failed failed:
                HandleChildFailure(failed);
                break;
            case ChildTerminated child:
                HandleChildTerminated(child.Child);
                break;
            case Watch watch:
                (_watchedBy ??= []).Add(watch.Watcher);
                break;
            case Unwatch unwatch:
                _watchedBy?.Remove(unwatch.Watcher);
                break;
            case DeathWatchNotification death:
                if (_watching is not null && _watching.Remove(death.Actor) && !_terminating)
                {
                    _front.Enqueue(new Envelope(new Terminated(death.Actor), death.Actor));
                }

                break;
        }
    }

    private void TryCreateInstance(Exception? restartCause)
    {
        ActorCell? previous = t_constructing;
        t_constructing = this;
        ReceiveActor actor;
        try
        {
            actor = _props.Factory();
        }
        catch (Exception ex)
        {
            Fail(new ActorInitializationException($"{Path}: creating {_props.ActorType.Name} threw: {ex.Message}", ex), null);
            return;
        }
        finally
        {
            t_constructing = previous;
        }

        actor.EndConfiguration();
        _actor = actor;
        try
        {
            if (restartCause is null)
            {
                actor.InvokePreStart();
            }
            else
            {
                actor.InvokePostRestart(restartCause);
            }
        }
        catch (Exception ex)
        {
            Fail(new ActorInitializationException($"{Path}: {(restartCause is null ? "PreStart" : "PostRestart")} threw: {ex.Message}", ex), null);
            return;
        }

        _suspended = false;
    }

    /// <summary>Suspends this actor and asks the parent what to do.</summary>
    private void Fail(Exception cause, object? message)
    {
        _suspended = true;
        Interlocked.Increment(ref _consecutiveFailures);
        if (_parent is null)
        {
            _system.Log.LogCritical(cause, "The root guardian {Path} failed; stopping it", Path);
            BeginTerminate();
            return;
        }

        _parent.SendSystem(new Failed(this, cause, message));
    }

    private void HandleChildFailure(Failed failed)
    {
        ActorCell child = failed.Child;
        if (!IsChild(child) || child.IsTerminated)
        {
            return;
        }

        SupervisorStrategy strategy = _actor?.GetSupervisorStrategy() ?? SupervisorStrategy.Default;
        Directive directive = _terminating ? Directive.Stop : strategy.Decide(failed.Cause);
        _system.Log.Log(
            directive == Directive.Resume ? LogLevel.Warning : LogLevel.Error,
            failed.Cause,
            "Actor {Path} failed handling {MessageType}: {Directive} ({Reason})",
            child.Path,
            failed.FailedMessage?.GetType().Name ?? "(start)",
            directive,
            strategy.Reason);
        switch (directive)
        {
            case Directive.Resume:
                child.SendSystem(Resume.Instance);
                break;
            case Directive.Restart:
                TimeSpan delay = strategy.Backoff?.DelayFor(child.ConsecutiveFailures) ?? TimeSpan.Zero;
                child.ScheduleRecreate(new Recreate(failed.Cause, failed.FailedMessage), delay);
                break;
            case Directive.Stop:
                StopChild(child);
                break;
            default:
                Fail(failed.Cause, failed.FailedMessage);
                break;
        }
    }

    private void ScheduleRecreate(Recreate recreate, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            SendSystem(recreate);
            return;
        }

        ITimer timer = TimeProvider.CreateTimer(
            static state =>
            {
                var (cell, message) = ((ActorCell, Recreate))state!;
                cell.SendSystem(message);
            },
            (this, recreate),
            delay,
            Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _restartTimer, timer)?.Dispose();
    }

    private void BeginRestart(Recreate recreate)
    {
        if (_terminating)
        {
            return;
        }

        if (_actor is not null)
        {
            try
            {
                _actor.InvokePreRestart(recreate.Cause, recreate.FailedMessage);
            }
            catch (Exception ex)
            {
                _system.Log.LogError(ex, "PreRestart of {Path} threw; restarting anyway", Path);
            }
        }

        _timers?.CancelAll();
        UnstashAll();
        _actor = null;
        _restartCause = recreate.Cause;
        if (AnyChildStopping())
        {
            _afterChildren = AfterChildren.Restart;
            return;
        }

        FinishRestart();
    }

    private void FinishRestart()
    {
        Exception cause = _restartCause!;
        _restartCause = null;
        _afterChildren = AfterChildren.None;
        TryCreateInstance(cause);
    }

    private void BeginTerminate()
    {
        if (_terminating)
        {
            return;
        }

        _terminating = true;
        _suspended = true;
        foreach (ActorCell child in ChildSnapshot())
        {
            StopChild(child);
        }

        if (AnyChildStopping())
        {
            _afterChildren = AfterChildren.Terminate;
            return;
        }

        FinishTerminate();
    }

    private void FinishTerminate()
    {
        _afterChildren = AfterChildren.None;
        _timers?.CancelAll();
        _restartTimer?.Dispose();
        if (_actor is not null)
        {
            try
            {
                _actor.InvokePostStop();
            }
            catch (Exception ex)
            {
                _system.Log.LogError(ex, "PostStop of {Path} threw", Path);
            }
        }

        _actor = null;
        _terminated = true;
        _writer.TryComplete();
        if (_stash is not null)
        {
            foreach (Envelope envelope in _stash.TakeAll())
            {
                PublishDead(envelope, "recipient stopped");
            }
        }

        DrainToDeadLetters();
        NotifyWatchers();
        _parent?.SendSystem(new ChildTerminated(this));
        _whenTerminated.TrySetResult();
    }

    private void NotifyWatchers()
    {
        if (_watchedBy is not null)
        {
            var notification = new DeathWatchNotification(Self);
            foreach (IInternalActorRef watcher in _watchedBy)
            {
                watcher.SendSystemMessage(notification);
            }

            _watchedBy = null;
        }

        if (_watching is not null)
        {
            foreach (IInternalActorRef subject in _watching)
            {
                subject.SendSystemMessage(new Unwatch(subject, Self));
            }

            _watching = null;
        }
    }

    private void HandleChildTerminated(ActorCell child)
    {
        RemoveChild(child);
        if (_afterChildren == AfterChildren.None || AnyChildStopping())
        {
            return;
        }

        if (_afterChildren == AfterChildren.Terminate)
        {
            FinishTerminate();
        }
        else
        {
            FinishRestart();
        }
    }

    public IActorRef Watch(IActorRef subject)
    {
        if (subject is IInternalActorRef target && !ReferenceEquals(target, Self) && (_watching ??= []).Add(target))
        {
            target.SendSystemMessage(new Watch(target, Self));
        }

        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        if (subject is not IInternalActorRef target)
        {
            return subject;
        }

        if (_watching is not null && _watching.Remove(target))
        {
            target.SendSystemMessage(new Unwatch(target, Self));
        }

        DropQueuedTerminated(target);
        return subject;
    }

    /// <summary>No Terminated after Unwatch, even one already converted and queued.</summary>
    private void DropQueuedTerminated(IInternalActorRef subject)
    {
        if (_front.Count == 0)
        {
            return;
        }

        Envelope[] queued = _front.ToArray();
        _front.Clear();
        foreach (Envelope envelope in queued)
        {
            if (envelope.Message is not Terminated terminated || !ReferenceEquals(terminated.ActorRef, subject))
            {
                _front.Enqueue(envelope);
            }
        }
    }
}
