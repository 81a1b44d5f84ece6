namespace AkkaMq.Node.Tests.EndToEnd;

/// <summary>
/// Tests that measure the whole process (its memory, its threads) run after every other test
/// class, with nothing beside them: another test's allocations would count as theirs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "Alone in the process";
}
