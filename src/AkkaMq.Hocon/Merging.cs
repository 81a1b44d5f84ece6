namespace AkkaMq.Hocon;

/// <summary>Merging of duplicate definitions (the later one wins) and joining of concatenated values.</summary>
internal static class Merging
{
    /// <summary>
    /// <paramref name="newer"/> with <paramref name="older"/> as its fallback. Objects merge deeply;
    /// any other resolved value hides what was there; unresolved values form a merge stack.
    /// </summary>
    public static HValue Merge(HValue newer, HValue older)
    {
        if (IsUnresolvedKind(newer))
        {
            return Stack(newer, older);
        }

        if (newer is not HObject newObject)
        {
            return newer;
        }

        if (older is HObject oldObject)
        {
            return MergeObjects(newObject, oldObject);
        }

        return IsUnresolvedKind(older) ? Stack(newer, older) : newer;
    }

    public static HObject MergeObjects(HObject newer, HObject older)
    {
        var merged = new HObject(newer.Origin);
        foreach (var key in older.Keys)
        {
            merged.Set(key, older.Get(key)!);
        }

        foreach (var key in newer.Keys)
        {
            merged.MergeField(key, newer.Get(key)!);
        }

        return merged;
    }

    /// <summary>
    /// Joins resolved concatenation pieces: strings (and numbers, booleans, null as their text)
    /// join as text, objects merge, arrays append. Returns null when nothing is left.
    /// </summary>
    public static HValue? Join(IReadOnlyList<HValue> pieces, string? path, ConfigOrigin? at = null)
    {
        HValue? acc = null;
        foreach (var piece in pieces)
        {
            acc = acc is null ? piece : JoinTwo(acc, piece, path, at);
        }

        return acc;
    }

    private static HValue JoinTwo(HValue left, HValue right, string? path, ConfigOrigin? at)
    {
        // An object next to an array is taken as the array its integer keys stand for, so that
        // `a += x` extends an `a.0 = ...` list read from a properties file.
        if (left is HObject leftObject && right is HArray)
        {
            left = NumericallyIndexed.ToArray(leftObject) ?? left;
        }
        else if (left is HArray && right is HObject rightObject)
        {
            right = NumericallyIndexed.ToArray(rightObject) ?? right;
        }

        if (left is HObject lo && right is HObject ro)
        {
            return MergeObjects(ro, lo);
        }

        if (left is HArray la && right is HArray ra)
        {
            return new HArray(la.Origin, [.. la.Items, .. ra.Items]);
        }

        var leftIsContainer = left is HObject or HArray;
        var rightIsContainer = right is HObject or HArray;
        if (leftIsContainer && right is HScalar { IgnorableWhitespace: true })
        {
            return left;
        }

        if (rightIsContainer && left is HScalar { IgnorableWhitespace: true })
        {
            return right;
        }

        if (left is HScalar ls && right is HScalar rs)
        {
            var whitespace = ls.IgnorableWhitespace && rs.IgnorableWhitespace;
            return new HScalar(ls.Origin, ScalarKind.String, ls.Text + rs.Text, whitespace);
        }

        var container = leftIsContainer ? left : right;
        throw new ConfigException(
            at ?? right.Origin,
            path,
            $"cannot concatenate {Describe(container)} with {Describe(leftIsContainer ? right : left)}; "
            + "only strings, only objects or only arrays can be concatenated"
            + (leftIsContainer && rightIsContainer ? IndexHint : ""));
    }

    /// <summary>Why an object next to an array was not taken as one.</summary>
    private const string IndexHint = " (an object counts as an array only when it has integer keys such as 0, 1, 2)";

    public static string Describe(HValue value) => value switch
    {
        HObject => "object",
        HArray => "array",
        HScalar { Kind: ScalarKind.Number } => "number",
        HScalar { Kind: ScalarKind.Boolean } => "boolean",
        HScalar { Kind: ScalarKind.Null } => "null",
        HScalar => "string",
        _ => "unresolved substitution",
    };

    private static bool IsUnresolvedKind(HValue value) => value is HSubstitution or HConcatenation or HMergeStack;

    private static HMergeStack Stack(HValue newer, HValue older)
    {
        var stack = new List<HValue>();
        AddToStack(stack, newer);
        AddToStack(stack, older);
        return new HMergeStack(newer.Origin, stack);
    }

    private static void AddToStack(List<HValue> stack, HValue value)
    {
        if (value is HMergeStack inner)
        {
            stack.AddRange(inner.Stack);
        }
        else
        {
            stack.Add(value);
        }
    }
}
