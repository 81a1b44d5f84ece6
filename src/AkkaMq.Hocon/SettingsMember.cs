using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace AkkaMq.Hocon;

/// <summary>
/// One bindable member of a settings type: a constructor parameter, or a settable property the
/// constructor does not cover. Validation attributes are taken from both the parameter and the
/// property of the same name, as records put them on either.
/// </summary>
internal sealed record SettingsMember(
    string Name,
    string Key,
    Type Type,
    bool Nullable,
    bool HasDefault,
    object? Default,
    IReadOnlyList<ValidationAttribute> Validations,
    PropertyInfo? Setter)
{
    /// <summary>Marks a property whose key is absent: it keeps the value its initializer gave it.</summary>
    public static readonly object Absent = new();

    public static List<SettingsMember> For(Type type, NullabilityInfoContext nullability)
    {
        var members = new List<SettingsMember>();
        var ctor = Constructor(type);
        var covered = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in ctor?.GetParameters() ?? [])
        {
            var property = type.GetProperty(parameter.Name!, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            covered.Add(parameter.Name!);
            var validations = parameter.GetCustomAttributes<ValidationAttribute>()
                .Concat(property?.GetCustomAttributes<ValidationAttribute>() ?? [])
                .ToList();
            var nullable = IsNullable(parameter.ParameterType, nullability.Create(parameter));
            var hasDefault = parameter.HasDefaultValue;
            members.Add(new SettingsMember(
                parameter.Name!, ConfigBinder.ToKebabCase(parameter.Name!), parameter.ParameterType, nullable,
                hasDefault, hasDefault ? parameter.DefaultValue : null, validations, null));
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && !covered.Contains(property.Name) && property.GetIndexParameters().Length == 0)
            {
                var nullable = IsNullable(property.PropertyType, nullability.Create(property));
                members.Add(new SettingsMember(
                    property.Name, ConfigBinder.ToKebabCase(property.Name), property.PropertyType, nullable,
                    true, null, property.GetCustomAttributes<ValidationAttribute>().ToList(), property));
            }
        }

        return members;
    }

    /// <summary>Builds the object; properties bound from absent keys keep their initial values.</summary>
    public static object Create(Type type, List<SettingsMember> members, object?[] values)
    {
        var ctor = Constructor(type);
        var args = new List<object?>();
        for (var i = 0; i < members.Count && members[i].Setter is null; i++)
        {
            args.Add(values[i]);
        }

        var instance = ctor is null ? Activator.CreateInstance(type)! : ctor.Invoke([.. args]);
        for (var i = args.Count; i < members.Count; i++)
        {
            if (!ReferenceEquals(values[i], Absent))
            {
                members[i].Setter!.SetValue(instance, values[i]);
            }
        }

        return instance;
    }

    private static ConstructorInfo? Constructor(Type type) =>
        type.GetConstructors().OrderByDescending(static c => c.GetParameters().Length).FirstOrDefault();

    private static bool IsNullable(Type type, NullabilityInfo info) =>
        System.Nullable.GetUnderlyingType(type) is not null || info.WriteState == NullabilityState.Nullable
        || info.ReadState == NullabilityState.Nullable;
}
