using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text;

namespace AkkaMq.Hocon;

/// <summary>
/// Binds a configuration subtree onto a settings record. Constructor parameters and settable
/// properties in PascalCase map to kebab-case keys (CommitlogSegmentSize ↔ commitlog-segment-size).
/// Binding is strict: unknown keys, missing non-nullable keys, values of the wrong type and values
/// failing their DataAnnotations attributes are all reported, together, in one <see cref="ConfigException"/>.
/// </summary>
public static partial class ConfigBinder
{
    public static T Bind<T>(Config config, string path)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(config);
        var value = config.RequireValue(path);
        var problems = new List<ConfigException>();
        var result = new Binding(problems).Convert(typeof(T), value, config.FullPath(path), nullable: false);
        if (problems.Count > 0)
        {
            throw new ConfigException(problems);
        }

        return (T)result!;
    }

    /// <summary>"CommitlogSegmentSize" → "commitlog-segment-size"; "IOThreads" → "io-threads".</summary>
    public static string ToKebabCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0 && StartsWord(name, i))
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    private static bool StartsWord(string name, int i)
    {
        var previous = name[i - 1];
        if (char.IsLower(previous) || char.IsDigit(previous))
        {
            return true;
        }

        return char.IsUpper(previous) && i + 1 < name.Length && char.IsLower(name[i + 1]);
    }

    /// <summary>One Bind call: collects every problem instead of stopping at the first.</summary>
    private sealed partial class Binding(List<ConfigException> problems)
    {
        private readonly NullabilityInfoContext _nullability = new();

        private object? BindObject(Type type, HObject obj, string path)
        {
            var members = SettingsMember.For(type, _nullability);
            var known = new HashSet<string>(StringComparer.Ordinal);
            var before = problems.Count;
            var values = new object?[members.Count];
            for (var i = 0; i < members.Count; i++)
            {
                var member = members[i];
                known.Add(member.Key);
                values[i] = BindMember(member, obj, path);
            }

            ReportUnknownKeys(obj, path, known);
            if (problems.Count > before)
            {
                return null;
            }

            return SettingsMember.Create(type, members, values);
        }

        private object? BindMember(SettingsMember member, HObject obj, string path)
        {
            var childPath = ConfigPath.Join(path, member.Key);
            var child = obj.Get(member.Key);
            object? value;
            if (child is null or HScalar { Kind: ScalarKind.Null })
            {
                if (!member.Nullable && !member.HasDefault)
                {
                    problems.Add(new ConfigException(child?.Origin ?? obj.Origin, childPath, $"missing required key '{childPath}'"));
                    return null;
                }

                if (member.Setter is not null)
                {
                    return SettingsMember.Absent;
                }

                value = member.HasDefault ? member.Default : null;
            }
            else
            {
                value = Convert(member.Type, child, childPath, member.Nullable);
            }

            Validate(member, value, child?.Origin ?? obj.Origin, childPath);
            return value;
        }

        private void Validate(SettingsMember member, object? value, ConfigOrigin origin, string path)
        {
            foreach (var attribute in member.Validations)
            {
                var context = new ValidationContext(value ?? new object()) { DisplayName = path, MemberName = member.Name };
                var result = attribute.GetValidationResult(value, context);
                if (result != ValidationResult.Success)
                {
                    var shown = value is string s ? $"'{s}'" : value?.ToString() ?? "null";
                    problems.Add(new ConfigException(origin, path, $"invalid value {shown}: {result?.ErrorMessage}"));
                }
            }
        }

        private void ReportUnknownKeys(HObject obj, string path, HashSet<string> known)
        {
            foreach (var key in obj.Keys)
            {
                if (!known.Contains(key))
                {
                    var keyPath = ConfigPath.Join(path, key);
                    problems.Add(new ConfigException(obj.Get(key)!.Origin, keyPath, $"unknown key '{keyPath}'"));
                }
            }
        }
    }
}
