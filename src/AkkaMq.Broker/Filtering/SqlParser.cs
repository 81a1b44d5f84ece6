using System.Globalization;

namespace AkkaMq.Broker.Filtering;

/// <summary>
/// Recursive-descent parser for RocketMQ's SQL92 message selector. Precedence, loosest first:
/// OR; AND; <c>=</c> <c>&lt;&gt;</c> IS [NOT] NULL; <c>&gt; &gt;= &lt; &lt;=</c> [NOT] BETWEEN
/// [NOT] IN; unary <c>+ - NOT</c>; literals, properties and parentheses. As in RocketMQ, NOT
/// binds tighter than a comparison (<c>NOT a = 1</c> is <c>(NOT a) = 1</c>), and the checks
/// RocketMQ makes while building the tree (what may be compared, BETWEEN bounds, IN on a
/// property) are parse errors here too.
/// </summary>
internal sealed class SqlParser
{
    /// <summary>Most nested parentheses and unary operators: parsing and evaluation recurse once per level.</summary>
    public const int MaxNesting = 100;

    /// <summary>Most operators in one selector: each one is a level of the tree that evaluation walks recursively.</summary>
    public const int MaxOperators = 1000;

    private readonly string _source;
    private readonly SqlLexer _lexer;
    private int _nesting;
    private int _operators;

    private SqlParser(string source)
    {
        _source = source;
        _lexer = new SqlLexer(source);
        _lexer.Next();
    }

    /// <summary>Parses a whole selector; throws <see cref="SqlParseException"/> with the position of the problem.</summary>
    public static SqlExpression Parse(string source)
    {
        var parser = new SqlParser(source);
        int start = parser._lexer.Start;
        var expression = parser.ParseOr();
        if (parser._lexer.Kind != SqlToken.End)
        {
            throw parser.Unexpected("an operator, AND, OR or the end");
        }

        return parser.AsBoolean(expression, start);
    }

    private SqlExpression ParseOr()
    {
        int start = _lexer.Start;
        var left = ParseAnd();
        while (_lexer.Kind == SqlToken.Or)
        {
            _lexer.Next();
            int rightStart = _lexer.Start;
            var right = ParseAnd();
            CountOperator(rightStart);
            left = new SqlOr(AsBoolean(left, start), AsBoolean(right, rightStart));
        }

        return left;
    }

    private SqlExpression ParseAnd()
    {
        int start = _lexer.Start;
        var left = ParseEquality();
        while (_lexer.Kind == SqlToken.And)
        {
            _lexer.Next();
            int rightStart = _lexer.Start;
            var right = ParseEquality();
            CountOperator(rightStart);
            left = new SqlAnd(AsBoolean(left, start), AsBoolean(right, rightStart));
        }

        return left;
    }

    private SqlExpression ParseEquality()
    {
        var left = ParseComparison();
        while (true)
        {
            int at = _lexer.Start;
            if (_lexer.Kind is SqlToken.Equal or SqlToken.NotEqual or SqlToken.Is)
            {
                CountOperator(at);
            }

            switch (_lexer.Kind)
            {
                case SqlToken.Equal or SqlToken.NotEqual:
                    bool negated = _lexer.Kind == SqlToken.NotEqual;
                    _lexer.Next();
                    var equal = CreateEqual(left, ParseComparison(), at);
                    left = negated ? new SqlNot(equal) : equal;
                    break;
                case SqlToken.Is:
                    _lexer.Next();
                    bool not = Accept(SqlToken.Not);
                    Expect(SqlToken.Null, "NULL");
                    var isNull = new SqlEqual(left, SqlConstant.Null);
                    left = not ? new SqlNot(isNull) : isNull;
                    break;
                default:
                    return left;
            }
        }
    }

    private SqlExpression ParseComparison()
    {
        var left = ParseUnary();
        while (true)
        {
            int at = _lexer.Start;
            if (_lexer.Kind is SqlToken.Greater or SqlToken.GreaterOrEqual or SqlToken.Less or SqlToken.LessOrEqual
                or SqlToken.Between or SqlToken.In or SqlToken.Not)
            {
                CountOperator(at);
            }

            switch (_lexer.Kind)
            {
                case SqlToken.Greater:
                    _lexer.Next();
                    left = CreateRelational(SqlRelation.Greater, left, ParseUnary(), at);
                    break;
                case SqlToken.GreaterOrEqual:
                    _lexer.Next();
                    left = CreateRelational(SqlRelation.GreaterOrEqual, left, ParseUnary(), at);
                    break;
                case SqlToken.Less:
                    _lexer.Next();
                    left = CreateRelational(SqlRelation.Less, left, ParseUnary(), at);
                    break;
                case SqlToken.LessOrEqual:
                    _lexer.Next();
                    left = CreateRelational(SqlRelation.LessOrEqual, left, ParseUnary(), at);
                    break;
                case SqlToken.Between:
                    _lexer.Next();
                    left = ParseBetween(left, negated: false, at);
                    break;
                case SqlToken.In:
                    _lexer.Next();
                    left = ParseIn(left, negated: false, at);
                    break;
                case SqlToken.Not:
                    // Only NOT BETWEEN / NOT IN continue a comparison; any other NOT is left to the caller.
                    bool between = ReadNotBeforeRange();
                    left = between ? ParseBetween(left, negated: true, at) : ParseIn(left, negated: true, at);
                    break;
                default:
                    return left;
            }
        }
    }

    /// <summary>
    /// After a comparison operand NOT may only start NOT BETWEEN or NOT IN (nothing else can
    /// follow an operand), so anything else is an error. True for BETWEEN.
    /// </summary>
    private bool ReadNotBeforeRange()
    {
        _lexer.Next();
        bool between = _lexer.Kind == SqlToken.Between;
        if (!between && _lexer.Kind != SqlToken.In)
        {
            throw Unexpected("BETWEEN or IN after NOT");
        }

        _lexer.Next();
        return between;
    }

    private SqlExpression ParseBetween(SqlExpression value, bool negated, int at)
    {
        var low = ParseUnary();
        Expect(SqlToken.And, "AND");
        var high = ParseUnary();
        if (negated)
        {
            return new SqlOr(CreateRelational(SqlRelation.Less, value, low, at), CreateRelational(SqlRelation.Greater, value, high, at));
        }

        if (low is SqlConstant lo && high is SqlConstant hi)
        {
            CheckBetweenBounds(lo, hi, at);
        }

        return new SqlAnd(CreateRelational(SqlRelation.GreaterOrEqual, value, low, at), CreateRelational(SqlRelation.LessOrEqual, value, high, at));
    }

    private void CheckBetweenBounds(SqlConstant low, SqlConstant high, int at)
    {
        if (low.Kind == SqlKind.Null || high.Kind == SqlKind.Null)
        {
            throw SqlParseException.At(_source, at, "Illegal values of between, values can not be null!");
        }

        if (!SqlCompare.TryCompare(high.Evaluate(default), low.Evaluate(default), out int order))
        {
            throw SqlParseException.At(_source, at, "Illegal values of between, " + low + " and " + high + " can not be compared");
        }

        if (order < 0)
        {
            throw SqlParseException.At(
                _source, at, "Illegal values of between, left value(" + low + ") must less than or equal to right value(" + high + ")");
        }
    }

    private SqlIn ParseIn(SqlExpression left, bool negated, int at)
    {
        if (left is not SqlProperty property)
        {
            throw SqlParseException.At(_source, at, "Expected a property for In expression, got: " + left);
        }

        Expect(SqlToken.Open, "(");
        var values = new List<string>();
        do
        {
            if (_lexer.Kind != SqlToken.Text)
            {
                throw Unexpected("a string literal");
            }

            values.Add(_lexer.Image);
            _lexer.Next();
        }
        while (Accept(SqlToken.Comma));

        Expect(SqlToken.Close, ")");
        return new SqlIn(property, values, negated);
    }

    private SqlExpression ParseUnary()
    {
        if (_lexer.Kind is not (SqlToken.Plus or SqlToken.Minus or SqlToken.Not or SqlToken.Open))
        {
            return ParsePrimary();
        }

        if (++_nesting > MaxNesting)
        {
            throw SqlParseException.At(_source, _lexer.Start, "Expression nested deeper than " + MaxNesting + " levels");
        }

        try
        {
            return ParseNested();
        }
        finally
        {
            _nesting--;
        }
    }

    private SqlExpression ParseNested()
    {
        switch (_lexer.Kind)
        {
            case SqlToken.Plus:
                _lexer.Next();
                return ParseUnary();
            case SqlToken.Minus:
                _lexer.Next();
                return new SqlNegate(ParseUnary());
            case SqlToken.Not:
                _lexer.Next();
                int operandAt = _lexer.Start;
                return new SqlNot(AsBoolean(ParseUnary(), operandAt));
            default:
                return ParsePrimary();
        }
    }

    private SqlExpression ParsePrimary()
    {
        SqlExpression result;
        switch (_lexer.Kind)
        {
            case SqlToken.Identifier:
                result = new SqlProperty(_lexer.Image);
                break;
            case SqlToken.Text:
                result = SqlConstant.String(_lexer.Image);
                break;
            case SqlToken.Whole:
                result = ParseWhole();
                break;
            case SqlToken.Real:
                result = ParseReal();
                break;
            case SqlToken.True:
                result = SqlConstant.True;
                break;
            case SqlToken.False:
                result = SqlConstant.False;
                break;
            case SqlToken.Null:
                result = SqlConstant.Null;
                break;
            case SqlToken.Open:
                _lexer.Next();
                result = ParseOr();
                if (_lexer.Kind != SqlToken.Close)
                {
                    throw Unexpected("\")\"");
                }

                break;
            default:
                throw Unexpected("a property, a literal or \"(\"");
        }

        _lexer.Next();
        return result;
    }

    private SqlConstant ParseWhole()
    {
        string text = _lexer.Image.TrimEnd('l', 'L');
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            throw SqlParseException.At(_source, _lexer.Start, "Number " + _lexer.Image + " is out of the long range");
        }

        return SqlConstant.Whole(value);
    }

    private SqlConstant ParseReal()
    {
        double value = double.Parse(_lexer.Image, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
        {
            throw SqlParseException.At(_source, _lexer.Start, _lexer.Image + " is greater than " + double.MaxValue.ToString("R", CultureInfo.InvariantCulture));
        }

        // RocketMQ rejects decimals below Double.MIN_VALUE (4.9E-324), which includes 0.0.
        if (value < double.Epsilon)
        {
            throw SqlParseException.At(_source, _lexer.Start, _lexer.Image + " is less than 4.9E-324");
        }

        return SqlConstant.Double(value);
    }

    private SqlEqual CreateEqual(SqlExpression left, SqlExpression right, int at)
    {
        foreach (var operand in (ReadOnlySpan<SqlExpression>)[left, right])
        {
            if (operand is SqlConstant { Kind: SqlKind.Null })
            {
                throw SqlParseException.At(_source, at, "'NULL' cannot be compared.");
            }
        }

        if (left is SqlConstant { IsBoolean: true } && right is SqlConstant { IsBoolean: false })
        {
            throw SqlParseException.At(_source, at, "'" + left + "' cannot be compared with '" + right + "'");
        }

        return new SqlEqual(left, right);
    }

    private SqlRelational CreateRelational(SqlRelation relation, SqlExpression left, SqlExpression right, int at)
    {
        foreach (var operand in (ReadOnlySpan<SqlExpression>)[left, right])
        {
            if (operand is SqlConstant { IsNumber: false } || operand.IsBoolean)
            {
                throw SqlParseException.At(_source, at, "Value '" + operand + "' cannot be compared.");
            }
        }

        return new SqlRelational(relation, left, right);
    }

    private SqlExpression AsBoolean(SqlExpression expression, int at) => expression switch
    {
        { IsBoolean: true } => expression,
        SqlProperty => new SqlBooleanCast(expression),
        _ => throw SqlParseException.At(_source, at, "Expression will not result in a boolean value: " + expression),
    };

    private void CountOperator(int at)
    {
        if (++_operators > MaxOperators)
        {
            throw SqlParseException.At(_source, at, "Expression has more than " + MaxOperators + " operators");
        }
    }

    private bool Accept(SqlToken kind)
    {
        if (_lexer.Kind != kind)
        {
            return false;
        }

        _lexer.Next();
        return true;
    }

    private void Expect(SqlToken kind, string what)
    {
        if (!Accept(kind))
        {
            throw Unexpected("\"" + what + "\"");
        }
    }

    private SqlParseException Unexpected(string expected) =>
        SqlParseException.At(_source, _lexer.Start, "Encountered \"" + _lexer.Image + "\"; was expecting " + expected);
}
