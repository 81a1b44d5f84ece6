namespace AkkaMq.Actors.TestKit;

/// <summary>A TestKit expectation failed. Any test framework reports it as a failed test.</summary>
public sealed class TestKitAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TestKitAssertionException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with the last failure of a retried assertion.</summary>
    public TestKitAssertionException(string message, Exception inner) : base(message, inner)
    {
    }
}
