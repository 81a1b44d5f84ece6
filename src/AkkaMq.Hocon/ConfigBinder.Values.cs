namespace AkkaMq.Hocon;

/// <summary>Conversion of single values to the supported member types.</summary>
public static partial class ConfigBinder
{
    private sealed partial class Binding
    {
        public object? Convert(Type type, HValue value, string path, bool nullable)
        {
            var underlying = Nullable.GetUnderlyingType(type) ?? type;
            if (nullable && value is HScalar { Kind: ScalarKind.Null })
            {
                return null;
            }

            try
            {
                return ConvertScalar(underlying, value, path) ?? ConvertComposite(underlying, value, path);
            }
            catch (ConfigException e)
            {
                problems.Add(e);
                return null;
            }
        }

        private static object? ConvertScalar(Type type, HValue value, string path)
        {
            if (type == typeof(string))
            {
                return ValueReader.ReadString(value, path);
            }

            if (type == typeof(int))
            {
                return ValueReader.ReadInt(value, path);
            }

            if (type == typeof(long))
            {
                return ValueReader.ReadLong(value, path);
            }

            if (type == typeof(double))
            {
                return ValueReader.ReadDouble(value, path);
            }

            if (type == typeof(bool))
            {
                return ValueReader.ReadBoolean(value, path);
            }

            return ConvertUnits(type, value, path);
        }

        private static object? ConvertUnits(Type type, HValue value, string path)
        {
            if (type == typeof(TimeSpan))
            {
                return ValueReader.ReadDuration(value, path);
            }

            if (type == typeof(ByteSize))
            {
                return new ByteSize(ValueReader.ReadBytes(value, path));
            }

            if (type == typeof(ConfigPeriod))
            {
                return ValueReader.ReadPeriod(value, path);
            }

            return type.IsEnum ? ConvertEnum(type, value, path) : null;
        }

        private static object ConvertEnum(Type type, HValue value, string path)
        {
            var text = ValueReader.ReadString(value, path);
            foreach (var name in Enum.GetNames(type))
            {
                if (string.Equals(ToKebabCase(name), text, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    return Enum.Parse(type, name);
                }
            }

            var allowed = string.Join(", ", Enum.GetNames(type).Select(ToKebabCase));
            throw new ConfigException(value.Origin, path, $"expected one of {allowed}, got '{text}'");
        }

        private object? ConvertComposite(Type type, HValue value, string path)
        {
            var element = ListElementType(type);
            if (element is not null)
            {
                return ConvertList(type, element, value, path);
            }

            if (type.IsPrimitive || type == typeof(decimal) || type.IsAbstract || type.IsInterface)
            {
                throw new ConfigException(value.Origin, path, $"settings of type {type.Name} are not supported");
            }

            if (value is not HObject obj)
            {
                throw new ConfigException(value.Origin, path, $"expected object, got {Merging.Describe(value)}");
            }

            return BindObject(type, obj, path);
        }

        private object ConvertList(Type listType, Type element, HValue value, string path)
        {
            var array = ValueReader.ReadArray(value, path, "array");
            var items = Array.CreateInstance(element, array.Items.Count);
            for (var i = 0; i < array.Items.Count; i++)
            {
                items.SetValue(Convert(element, array.Items[i], $"{path}[{i}]", nullable: false), i);
            }

            if (listType.IsArray)
            {
                return items;
            }

            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            foreach (var item in items)
            {
                list.Add(item);
            }

            return list;
        }

        private static Type? ListElementType(Type type)
        {
            if (type.IsArray)
            {
                return type.GetElementType();
            }

            if (!type.IsGenericType || type.GetGenericArguments().Length != 1)
            {
                return null;
            }

            var definition = type.GetGenericTypeDefinition();
            var supported = definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IList<>) || definition == typeof(List<>);
            return supported ? type.GetGenericArguments()[0] : null;
        }
    }
}
