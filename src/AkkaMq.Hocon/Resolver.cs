namespace AkkaMq.Hocon;

/// <summary>
/// Replaces every substitution in a tree with the value it names.
/// <para>
/// Self-references: while a field's definition is being resolved, a lookup that reaches that
/// field sees only what lies below the definition: nothing for a single definition, the rest of
/// the merge stack otherwise. This is kept in <see cref="_replacements"/>, keyed by node identity.
/// A lookup that must resolve a node already being resolved is a cycle.
/// </para>
/// </summary>
internal sealed class Resolver
{
    private readonly HValue _root;
    private readonly Func<string, string?> _environment;
    private readonly Dictionary<HValue, HValue?> _replacements = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<HValue> _inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<HValue, HValue?> _memo = new(ReferenceEqualityComparer.Instance);

    /// <summary>Path of the field being resolved, for error messages.</summary>
    private string _path = "";

    /// <summary>Set when a lookup found nothing because it reached a definition that is being resolved.</summary>
    private bool _lookupMetSelf;

    private Resolver(HValue root, Func<string, string?> environment)
    {
        _root = root;
        _environment = environment;
    }

    public static HValue ResolveRoot(HValue root, Func<string, string?> environment)
    {
        var resolver = new Resolver(root, environment);
        return resolver.Resolve(root) ?? new HObject(root.Origin);
    }

    /// <summary>Resolves a node; null means it is undefined (an optional substitution that found nothing).</summary>
    private HValue? Resolve(HValue value)
    {
        if (!value.NeedsResolve)
        {
            return value;
        }

        if (_memo.TryGetValue(value, out var known))
        {
            return known;
        }

        if (!_inProgress.Add(value))
        {
            throw new ResolveCycleException();
        }

        HValue? result;
        try
        {
            result = value switch
            {
                HObject obj => ResolveObject(obj),
                HArray array => ResolveArray(array),
                HSubstitution subst => WithReplacement(subst, null, () => ResolveSubstitution(subst)),
                HConcatenation concat => WithReplacement(concat, null, () => ResolveConcatenation(concat)),
                HMergeStack stack => ResolveStack(stack),
                _ => value,
            };
        }
        finally
        {
            _inProgress.Remove(value);
        }

        // The first value worked out is kept even if a definition was hidden at the time (a value
        // first reached through a self-reference keeps what it saw); the HOCON reference
        // implementation behaves the same and configurations written for it rely on that.
        // An undefined result is not kept: an optional substitution that looked back at a field
        // being resolved is undefined for that lookup only (HOCON spec, self-referential
        // substitutions), so in `a = ${?b}foo, b = ${?a}` the field b, resolved in its own right,
        // still sees a = "foo". A result that is undefined for good is cheap to work out again.
        if (result is not null)
        {
            _memo[value] = result;
        }

        return result;
    }

    private HObject ResolveObject(HObject obj)
    {
        var resolved = new HObject(obj.Origin);
        foreach (var key in obj.Keys)
        {
            var value = AtPath(ConfigPath.Join(_path, key), () => Resolve(obj.Get(key)!));
            if (value is not null)
            {
                resolved.Set(key, value);
            }
        }

        return resolved;
    }

    private HArray ResolveArray(HArray array)
    {
        var items = new List<HValue>(array.Items.Count);
        foreach (var item in array.Items)
        {
            var value = Resolve(item);
            if (value is not null)
            {
                items.Add(value);
            }
        }

        return new HArray(array.Origin, items);
    }

    private HValue? ResolveConcatenation(HConcatenation concat)
    {
        var pieces = new List<HValue>(concat.Pieces.Count);
        foreach (var piece in concat.Pieces)
        {
            var value = Resolve(piece);
            if (value is not null)
            {
                pieces.Add(value);
            }
        }

        return Merging.Join(pieces, _path, concat.Origin);
    }

    private HValue? ResolveStack(HMergeStack stack)
    {
        HValue? merged = null;
        for (var i = 0; i < stack.Stack.Count; i++)
        {
            var element = stack.Stack[i];
            var value = element is HObject or HArray
                ? Resolve(element)
                : WithReplacement(stack.Identity, Remainder(stack, i + 1), () => Resolve(element));
            if (value is null)
            {
                continue;
            }

            merged = merged is null ? value : Merging.Merge(merged, value);
            if (merged is not HObject)
            {
                break;
            }
        }

        return merged;
    }

    private static HValue? Remainder(HMergeStack stack, int from)
    {
        var count = stack.Stack.Count - from;
        return count switch
        {
            <= 0 => null,
            1 => stack.Stack[from],
            _ => new HMergeStack(stack.Stack[from].Origin, stack.Stack.GetRange(from, count), stack.Identity),
        };
    }

    /// <summary>Resolves a stack element, letting a cycle met by a bare substitution reach the caller.</summary>
    private HValue? ResolveElement(HValue element) => element is HSubstitution subst
        ? WithReplacement(subst, null, () => ResolveSubstitution(subst, reportCycle: false))
        : Resolve(element);

    private HValue? ResolveSubstitution(HSubstitution subst, bool reportCycle = true)
    {
        HValue? found;
        _lookupMetSelf = false;
        try
        {
            found = Lookup(subst.Path);
            if (found is null && subst.PrefixLength > 0)
            {
                found = Lookup(subst.Path.Skip(subst.PrefixLength).ToList());
            }
        }
        catch (ResolveCycleException) when (subst.Optional)
        {
            return null;
        }
        catch (ResolveCycleException) when (reportCycle)
        {
            throw new ConfigException(subst.Origin, _path, $"substitution ${{{subst.Render(false)}}} is part of a cycle of substitutions");
        }

        if (found is not null)
        {
            return found;
        }

        var name = string.Join('.', subst.Path.Skip(subst.PrefixLength));
        var env = _environment(name);
        if (env is not null)
        {
            return HScalar.Str(subst.Origin, env);
        }

        if (subst.Optional)
        {
            return null;
        }

        var why = _lookupMetSelf
            ? "it refers back to the value being defined (a cycle, or a self-reference with no earlier value)"
            : "no such key";
        throw new ConfigException(
            subst.Origin,
            _path,
            $"could not resolve substitution ${{{subst.Render(false)}}}: {why}, and no environment variable '{name}'");
    }

    /// <summary>The resolved value at a path from the root, or null when there is none.</summary>
    private HValue? Lookup(IReadOnlyList<string> path)
    {
        HValue? node = _root;
        foreach (var segment in path)
        {
            node = Deref(node);
            if (node is HMergeStack stack)
            {
                node = ChildOfStack(stack, segment);
                continue;
            }

            if (node is HSubstitution or HConcatenation)
            {
                node = Resolve(node);
            }

            node = (node as HObject)?.Get(segment);
        }

        node = Deref(node);
        return node is null ? null : AtPath(ConfigPath.Render(path), () => Resolve(node));
    }

    private HValue? AtPath(string path, Func<HValue?> resolve)
    {
        var saved = _path;
        _path = path;
        try
        {
            return resolve();
        }
        finally
        {
            _path = saved;
        }
    }

    /// <summary>
    /// The field <paramref name="key"/> of a merge stack, working out only the stack elements that
    /// can hold it. An element that leads back into a value being resolved is passed over.
    /// </summary>
    private HValue? ChildOfStack(HMergeStack stack, string key)
    {
        var children = new List<HValue>();
        for (var i = 0; i < stack.Stack.Count; i++)
        {
            if (!TryResolveForLookup(stack, i, out var element))
            {
                continue;
            }

            if (element is not HObject obj)
            {
                break;
            }

            var child = Deref(obj.Get(key));
            if (child is not null)
            {
                children.Add(child);
            }
        }

        if (children.Count == 0)
        {
            return null;
        }

        var merged = children[^1];
        for (var i = children.Count - 2; i >= 0; i--)
        {
            merged = Merging.Merge(children[i], merged);
        }

        return merged;
    }

    /// <summary>False when the element is undefined or leads back into a value being resolved.</summary>
    private bool TryResolveForLookup(HMergeStack stack, int index, out HValue? element)
    {
        element = stack.Stack[index];
        if (element is HObject or HArray or HScalar)
        {
            return true;
        }

        try
        {
            var unresolved = element;
            element = WithReplacement(stack.Identity, Remainder(stack, index + 1), () => ResolveElement(unresolved));
            return element is not null;
        }
        catch (ResolveCycleException)
        {
            return false;
        }
    }

    private HValue? Deref(HValue? node)
    {
        while (node is not null && _replacements.TryGetValue(node, out var replacement))
        {
            node = replacement;
            _lookupMetSelf |= node is null;
        }

        return node;
    }

    private HValue? WithReplacement(HValue key, HValue? replacement, Func<HValue?> resolve)
    {
        var had = _replacements.TryGetValue(key, out var previous);
        _replacements[key] = replacement;
        try
        {
            return resolve();
        }
        finally
        {
            if (had)
            {
                _replacements[key] = previous;
            }
            else
            {
                _replacements.Remove(key);
            }
        }
    }

    /// <summary>Thrown when resolving a value needs that same value; caught where a substitution started.</summary>
    private sealed class ResolveCycleException : Exception
    {
    }
}
