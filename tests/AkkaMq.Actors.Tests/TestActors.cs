namespace AkkaMq.Actors.Tests;

/// <summary>Sends every message it receives to a target, keeping the original sender.</summary>
internal sealed class ForwardActor : ReceiveActor
{
    public ForwardActor(IActorRef target) => ReceiveAny(message => target.Tell(message, Sender));

    public static Props Props(IActorRef target) => Actors.Props.Create(() => new ForwardActor(target));
}

/// <summary>Replies to each message with the reply the factory makes of it.</summary>
internal sealed class ReplyActor : ReceiveActor
{
    public ReplyActor(Func<object, object> reply) => ReceiveAny(message => Sender.Tell(reply(message), Self));

    public static Props Props(Func<object, object> reply) => Actors.Props.Create(() => new ReplyActor(reply));
}

/// <summary>Handles nothing.</summary>
internal sealed class SilentActor : ReceiveActor
{
    public static Props Props() => Actors.Props.Create(() => new SilentActor());
}

/// <summary>Reports PostStop to a probe, and creates the children it is told to.</summary>
internal sealed class StopRecorderActor : ReceiveActor
{
    private readonly string _label;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _log;

    public StopRecorderActor(string label, System.Collections.Concurrent.ConcurrentQueue<string> log, string[] children)
    {
        _label = label;
        _log = log;
        foreach (string child in children)
        {
            Context.ActorOf(Props(label + "/" + child, log, []), child);
        }
    }

    public static Props Props(string label, System.Collections.Concurrent.ConcurrentQueue<string> log, string[] children) =>
        Actors.Props.Create(() => new StopRecorderActor(label, log, children));

    protected override void PostStop() => _log.Enqueue("PostStop " + _label);
}
