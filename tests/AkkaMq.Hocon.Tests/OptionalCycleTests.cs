namespace AkkaMq.Hocon.Tests;

/// <summary>
/// Cycles through optional substitutions (HOCON spec, "Self-Referential Substitutions"): a
/// lookup that reaches a field being resolved treats the optional substitution as undefined for
/// that lookup only, so every field of the cycle still gets a value of its own.
/// </summary>
public sealed class OptionalCycleTests
{
    private static string Resolve(string text) =>
        Config.ParseString(text, "test.conf").Resolve(static _ => null).ToJson();

    [Fact]
    public void OptionalSelfReferenceCycle_ResolvesEachFieldToTheSuffix()
    {
        JsonAssert.Equal("""{"a":"foo","b":"foo"}""", Resolve("a = ${?b}foo, b = ${?a}"), "two-field cycle");
    }

    [Fact]
    public void OptionalSelfReferenceCycle_DoesNotDependOnFieldOrder()
    {
        JsonAssert.Equal("""{"a":"foo","b":"foo"}""", Resolve("b = ${?a}, a = ${?b}foo"), "cycle written the other way round");
    }

    [Fact]
    public void OptionalCycle_ThroughThreeFields_GivesEveryFieldTheValue()
    {
        JsonAssert.Equal(
            """{"a":"foo","b":"foo","c":"foo"}""",
            Resolve("a = ${?b}foo\nb = ${?c}\nc = ${?a}"),
            "three-field cycle");
    }

    [Fact]
    public void OptionalCycle_FieldOfTheCycle_CanBeReferencedByARequiredSubstitution()
    {
        JsonAssert.Equal(
            """{"a":"foo","b":"foo","c":"foo","d":"foobar"}""",
            Resolve("a = ${?b}foo\nb = ${?a}\nc = ${b}\nd = ${?b}bar"),
            "references to a field of the cycle");
    }

    [Fact]
    public void OptionalCycle_ReachedFirstFromOutside_ResolvesEveryField()
    {
        JsonAssert.Equal(
            """{"x":"foo","a":"foo","b":"foo"}""",
            Resolve("x = ${?a}\na = ${?b}foo\nb = ${?a}"),
            "cycle entered through another field");
    }

    [Fact]
    public void OptionalCycle_InsideAnObject_ResolvesBothFields()
    {
        JsonAssert.Equal(
            """{"p":{"a":"foo","b":"foo"}}""",
            Resolve("p { a = ${?p.b}foo, b = ${?p.a} }"),
            "cycle between fields of one object");
    }

    [Fact]
    public void OptionalCycle_WithObjectAndArrayConcatenation_ResolvesBothFields()
    {
        JsonAssert.Equal(
            """{"a":{"x":1},"b":{"x":1},"c":[1],"d":[1]}""",
            Resolve("a = ${?b} { x = 1 }\nb = ${?a}\nc = ${?d} [1]\nd = ${?c}"),
            "object and array concatenations");
    }

    [Fact]
    public void OptionalCycle_WithNothingElse_LeavesBothFieldsUndefined()
    {
        JsonAssert.Equal("{}", Resolve("a = ${?b}\nb = ${?a}"), "cycle with no value at all");
    }

    [Fact]
    public void OptionalCycle_WithEarlierValue_LooksBackToIt()
    {
        JsonAssert.Equal("""{"a":"1foo","b":1}""", Resolve("a = 1\na = ${?b}foo\nb = ${?a}"), "cycle over an earlier value");
    }

    [Fact]
    public void RequiredCycle_IsStillRejected()
    {
        var error = Assert.Throws<ConfigException>(() => Resolve("a = ${?b}foo, b = ${a}"));

        Assert.Contains("${a}", error.Message);
    }
}
