namespace AkkaMq.Actors;

/// <summary>Thrown inside an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorKilledException(string message) : base(message)
    {
    }
}

/// <summary>The actor's factory, constructor or <c>PreStart</c> threw; the default strategy stops the actor.</summary>
public sealed class ActorInitializationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ActorInitializationException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>An actor name was empty, contained '/', started with '$' or was already taken.</summary>
public sealed class InvalidActorNameException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvalidActorNameException(string message) : base(message)
    {
    }
}

/// <summary>An <c>Ask</c> got no reply in time. The message names the target path and the message type.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    public AskTimeoutException(string message) : base(message)
    {
    }
}
