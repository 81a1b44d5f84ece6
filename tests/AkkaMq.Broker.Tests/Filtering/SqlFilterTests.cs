using System.Text;
using AkkaMq.Broker.Filtering;

namespace AkkaMq.Broker.Tests.Filtering;

public sealed class SqlFilterTests
{
    private static byte[] Props(params (string Key, string Value)[] pairs)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in pairs)
        {
            text.Append(key).Append('\u0001').Append(value).Append('\u0002');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static bool Match(string expression, params (string Key, string Value)[] pairs) =>
        SqlFilter.Compile(expression).Matches(Props(pairs));

    [Theory]
    [InlineData("a = 5", "5", true)]
    [InlineData("a = 5", "6", false)]
    [InlineData("a <> 5", "6", true)]
    [InlineData("a <> 5", "5", false)]
    [InlineData("a > 5", "6", true)]
    [InlineData("a > 5", "5", false)]
    [InlineData("a >= 5", "5", true)]
    [InlineData("a >= 5", "4", false)]
    [InlineData("a < 5", "4", true)]
    [InlineData("a < 5", "-7", true)]
    [InlineData("a < 5", "5", false)]
    [InlineData("a <= 5", "5", true)]
    [InlineData("a <= 5", "6", false)]
    [InlineData("a > 2.5", "2.75", true)]
    [InlineData("a > 2.5", "3", true)]
    [InlineData("a < 2.5", "2.25", true)]
    [InlineData("a = 10000000000", "10000000000", true)]
    [InlineData("a > 10000000000", "10000000001", true)]
    [InlineData("a > -5", "-4", true)]
    [InlineData("a > -5", "-6", false)]
    [InlineData("a = 'abc'", "abc", true)]
    [InlineData("a = 'abc'", "abd", false)]
    [InlineData("a <> 'abc'", "abd", true)]
    [InlineData("a = 'it''s'", "it's", true)]
    [InlineData("a = TRUE", "true", true)]
    [InlineData("a = TRUE", "TRUE", true)]
    [InlineData("a = FALSE", "no", true)]
    [InlineData("a = 5L", "5", true)]
    public void Comparison_OnAPropertyText(string expression, string value, bool expected) =>
        Assert.Equal(expected, Match(expression, ("a", value)));

    [Theory]
    [InlineData("a BETWEEN 1 AND 3", "1", true)]
    [InlineData("a BETWEEN 1 AND 3", "3", true)]
    [InlineData("a BETWEEN 1 AND 3", "4", false)]
    [InlineData("a BETWEEN 1 AND 3", "0", false)]
    [InlineData("a NOT BETWEEN 1 AND 3", "4", true)]
    [InlineData("a NOT BETWEEN 1 AND 3", "0", true)]
    [InlineData("a NOT BETWEEN 1 AND 3", "2", false)]
    [InlineData("a IN ('x', 'y')", "y", true)]
    [InlineData("a IN ('x', 'y')", "z", false)]
    [InlineData("a NOT IN ('x', 'y')", "z", true)]
    [InlineData("a NOT IN ('x', 'y')", "x", false)]
    [InlineData("a IS NOT NULL", "v", true)]
    [InlineData("a IS NULL", "v", false)]
    [InlineData("TRUE", "v", true)]
    [InlineData("FALSE", "v", false)]
    [InlineData("a", "true", false)]
    public void RangesSetsAndNulls(string expression, string value, bool expected) =>
        Assert.Equal(expected, Match(expression, ("a", value)));

    [Theory]
    [InlineData("b = 5")]
    [InlineData("b <> 5")]
    [InlineData("b > 5")]
    [InlineData("b <= 5")]
    [InlineData("b BETWEEN 1 AND 3")]
    [InlineData("b NOT BETWEEN 1 AND 3")]
    [InlineData("b IN ('x')")]
    [InlineData("b NOT IN ('x')")]
    [InlineData("b IS NOT NULL")]
    [InlineData("NOT (b = 5)")]
    [InlineData("b = 5 OR b <> 5")]
    [InlineData("NULL")]
    public void MissingProperty_NeverMatches(string expression) =>
        Assert.False(Match(expression, ("a", "1")));

    [Fact]
    public void IsNull_MatchesOnlyAMissingProperty()
    {
        Assert.True(Match("b IS NULL", ("a", "1")));
        Assert.False(Match("a IS NULL", ("a", "1")));
        Assert.True(Match("b IS NULL AND a = 1", ("a", "1")));
    }

    [Theory]
    [InlineData("a > 5", "abc")]
    [InlineData("a = 5", "abc")]
    [InlineData("a < 5", "2.5")]
    [InlineData("a = 5", "5000000000")]
    [InlineData("a > 5 OR b = 1", "x")]
    [InlineData("NOT (a = 5)", "x")]
    [InlineData("TRUE = a", "true")]
    public void TypeMismatch_IsAnEvaluationError_AndDoesNotMatch(string expression, string value) =>
        Assert.False(Match(expression, ("a", value), ("b", "1")));

    [Fact]
    public void TypeMismatch_ShortCircuitedBranchIsNeverEvaluated()
    {
        Assert.True(Match("b = 1 OR a > 5", ("a", "x"), ("b", "1")));
        Assert.False(Match("b = 2 AND a > 5", ("a", "x"), ("b", "1")));
    }

    [Fact]
    public void TwoProperties_CompareAsNumbers_ForOrdering_AndAsText_ForEquality()
    {
        Assert.True(Match("a > b", ("a", "10"), ("b", "9")));
        Assert.False(Match("a > b", ("a", "x"), ("b", "9")));
        Assert.True(Match("a = b", ("a", "x"), ("b", "x")));
        Assert.True(Match("a = b", ("c", "1")));
    }

    [Fact]
    public void Precedence_AndBindsTighterThanOr_ParenthesesOverride()
    {
        (string, string)[] props = [("a", "1"), ("b", "2"), ("c", "3")];
        Assert.True(Match("a = 9 AND b = 9 OR c = 3", props));
        Assert.False(Match("a = 9 AND (b = 9 OR c = 3)", props));
        Assert.True(Match("a = 1 OR b = 9 AND c = 9", props));
        Assert.False(Match("(a = 1 OR b = 9) AND c = 9", props));
        Assert.True(Match("NOT (a = 9) AND NOT (b = 9)", props));
        Assert.True(Match("not (a = 9) and c between 1 and 3 or b in ('x')", props));
    }

    [Fact]
    public void TagsAndKeys_AreProperties()
    {
        (string, string)[] props = [("TAGS", "TagA"), ("KEYS", "k1 k2"), ("region", "eu")];
        Assert.True(Match("TAGS = 'TagA' AND region IN ('eu', 'us')", props));
        Assert.True(Match("KEYS = 'k1 k2'", props));
        Assert.False(Match("TAGS = 'TagB'", props));
    }

    [Fact]
    public void CommentsAndCaseInsensitiveKeywords()
    {
        Assert.True(Match("a = 1 /* block */ and b is not null -- tail\n", ("a", "1"), ("b", "x")));
        Assert.True(Match("a Between 0 AnD 2", ("a", "1")));
    }

    [Theory]
    [InlineData("", 1, "empty")]
    [InlineData("a >", 4, "Encountered \"<EOF>\"")]
    [InlineData("a = = 1", 5, "Encountered \"=\"")]
    [InlineData("a > 'x'", 3, "cannot be compared")]
    [InlineData("a = NULL", 3, "'NULL' cannot be compared.")]
    [InlineData("a BETWEEN 5 AND 1", 3, "must less than or equal to right value")]
    [InlineData("a BETWEEN NULL AND 1", 3, "values can not be null")]
    [InlineData("5 IN ('x')", 3, "Expected a property for In expression")]
    [InlineData("a IN (1, 2)", 7, "a string literal")]
    [InlineData("a = 'open", 5, "Unterminated string literal")]
    [InlineData("a # 1", 3, "unexpected character '#'")]
    [InlineData("5", 1, "will not result in a boolean value")]
    [InlineData("a = 1 AND 'x'", 11, "will not result in a boolean value")]
    [InlineData("a > 0.0", 5, "is less than 4.9E-324")]
    [InlineData("a = 99999999999999999999", 5, "out of the long range")]
    [InlineData("(a = 1", 7, "was expecting \")\"")]
    [InlineData("a = 1 b", 7, "Encountered \"b\"")]
    [InlineData("a NOT LIKE 'x'", 7, "BETWEEN or IN after NOT")]
    [InlineData("TRUE > 1", 6, "cannot be compared")]
    public void BadExpression_NamesTheProblemAndItsColumn(string expression, int column, string detail)
    {
        var error = Assert.Throws<SqlParseException>(() => SqlFilter.Compile(expression));
        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains("column " + column, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadExpression_OnALaterLine_ReportsLineAndColumn()
    {
        var error = Assert.Throws<SqlParseException>(() => SqlFilter.Compile("a = 1\nAND b >"));
        Assert.Equal(2, error.Line);
        Assert.Equal(8, error.Column);
        Assert.Equal(13, error.Offset);
    }

    [Fact]
    public void Cache_CompilesOncePerExpressionAndVersion()
    {
        var cache = new SqlFilterCache();
        var first = cache.Get("G", "T", "a > 1", 1);
        Assert.Same(first, cache.Get("G", "T", "a > 1", 1));
        Assert.NotSame(first, cache.Get("G", "T", "a > 1", 2));
        var bad = cache.Get("G", "T", "a >", 3);
        Assert.Null(bad.Filter);
        Assert.NotNull(bad.Error);
        Assert.NotNull(cache.Get("G2", "T", "a > 1", 1).Filter);

        // Two members of a group with different versions both stay compiled.
        Assert.Same(first, cache.Get("G", "T", "a > 1", 1));
    }

    [Fact]
    public void Cache_IsBounded()
    {
        var cache = new SqlFilterCache();
        for (int i = 0; i <= SqlFilterCache.MaxEntries + 10; i++)
        {
            cache.Get("G", "T", "a > 1", i);
        }

        Assert.InRange(cache.Count, 1, SqlFilterCache.MaxEntries);
    }

    [Fact]
    public void HugeNesting_IsAParseError_NotAStackOverflow()
    {
        // A client chooses the selector: one that nests deeper than a thread's stack must be refused, not crash the broker.
        string parens = new string('(', 200_000) + "a = 1" + new string(')', 200_000);
        string nots = string.Concat(Enumerable.Repeat("NOT ", 200_000)) + "a";
        string minus = "a > " + new string('-', 200_000) + "1";
        string chain = "a = 1" + string.Concat(Enumerable.Repeat(" AND a = 1", 200_000));
        foreach (string expression in new[] { parens, nots, minus, chain })
        {
            Assert.Throws<SqlParseException>(() => SqlFilter.Compile(expression));
        }

        // Selectors of an ordinary size still compile and match.
        string nested = new string('(', 50) + "a = 1" + new string(')', 50);
        Assert.True(Match(nested, ("a", "1")));
        string ors = "a = '0'" + string.Concat(Enumerable.Range(1, 300).Select(i => " OR a = '" + i + "'"));
        Assert.True(Match(ors, ("a", "300")));
        string longest = "a = 1" + string.Concat(Enumerable.Repeat(" AND a = 1", (SqlParser.MaxOperators / 2) - 1));
        Assert.True(Match(longest, ("a", "1")));
        Assert.Throws<SqlParseException>(() => SqlFilter.Compile(longest + " AND a = 1"));
    }
}
