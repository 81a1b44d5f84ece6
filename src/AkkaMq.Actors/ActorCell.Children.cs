using System.Globalization;

namespace AkkaMq.Actors;

/// <summary>Children, stash and timers of a cell.</summary>
internal sealed partial class ActorCell
{
    // Guarded by lock(_children): ActorOf may be called from outside the loop (system.ActorOf).
    private readonly Dictionary<string, ActorCell> _children = new(StringComparer.Ordinal);
    private long _nextChildId;
    private volatile bool _stopRequested;
    private StashBuffer? _stash;
    private TimerScheduler? _timers;

    public IReadOnlyCollection<IActorRef> Children
    {
        get
        {
            ActorCell[] cells = ChildSnapshot();
            var refs = new IActorRef[cells.Length];
            for (int i = 0; i < cells.Length; i++)
            {
                refs[i] = cells[i].Self;
            }

            return refs;
        }
    }

    internal StashBuffer Stash => _stash ??= new StashBuffer(this);

    internal TimerScheduler Timers => _timers ??= new TimerScheduler(this);

    public IActorRef? Child(string name)
    {
        lock (_children)
        {
            return _children.TryGetValue(name, out ActorCell? child) ? child.Self : null;
        }
    }

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (name is not null)
        {
            ValidateName(name);
        }

        ActorCell child;
        lock (_children)
        {
            if (_terminating || _terminated)
            {
                throw new InvalidOperationException($"{Path} is stopping and cannot create children");
            }

            name ??= "$" + (++_nextChildId).ToString("x", CultureInfo.InvariantCulture);
            if (_children.ContainsKey(name))
            {
                throw new InvalidActorNameException($"{Path} already has a child named '{name}'");
            }

            child = new ActorCell(_system, this, Path.Child(name), props);
            _children.Add(name, child);
        }

        child.SendSystem(Create.Instance);
        return child.Self;
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is LocalActorRef local && IsChild(local.Cell))
        {
            StopChild(local.Cell);
        }
        else if (actor is IInternalActorRef other)
        {
            other.SendSystemMessage(Terminate.Instance);
        }
    }

    private static void ValidateName(string name)
    {
        if (name.Length == 0 || name[0] == '$' || name.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidActorNameException($"Invalid actor name '{name}': must be non-empty, not start with '$' and contain no '/'");
        }
    }

    private void StopChild(ActorCell child)
    {
        child._stopRequested = true;
        child.SendSystem(Terminate.Instance);
    }

    private bool IsChild(ActorCell cell)
    {
        lock (_children)
        {
            return _children.TryGetValue(cell.Path.Name, out ActorCell? child) && ReferenceEquals(child, cell);
        }
    }

    private bool AnyChildStopping()
    {
        lock (_children)
        {
            foreach (ActorCell child in _children.Values)
            {
                if (child._stopRequested)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private ActorCell[] ChildSnapshot()
    {
        lock (_children)
        {
            var cells = new ActorCell[_children.Count];
            _children.Values.CopyTo(cells, 0);
            return cells;
        }
    }

    private void RemoveChild(ActorCell child)
    {
        lock (_children)
        {
            if (_children.TryGetValue(child.Path.Name, out ActorCell? current) && ReferenceEquals(current, child))
            {
                _children.Remove(child.Path.Name);
            }
        }
    }

    internal void StashCurrent()
    {
        if (_current.Message is null)
        {
            throw new InvalidOperationException("There is no current message to stash");
        }

        Stash.Add(_current);
    }

    internal void UnstashAll()
    {
        if (_stash is null || _stash.Count == 0)
        {
            return;
        }

        // Stashed messages go before everything still queued, in their original order.
        Envelope[] rest = _front.ToArray();
        _front.Clear();
        foreach (Envelope envelope in _stash.TakeAll())
        {
            _front.Enqueue(envelope);
        }

        foreach (Envelope envelope in rest)
        {
            _front.Enqueue(envelope);
        }
    }

    internal void UnstashOne()
    {
        if (_stash is null || !_stash.TryTakeFirst(out Envelope first))
        {
            return;
        }

        Envelope[] rest = _front.ToArray();
        _front.Clear();
        _front.Enqueue(first);
        foreach (Envelope envelope in rest)
        {
            _front.Enqueue(envelope);
        }
    }
}
