namespace Cluster;

/// <summary>Reads <c>--name value</c> options; a value that does not parse is a <see cref="UsageException"/> naming the option.</summary>
internal sealed class Arguments(string[] args)
{
    public string? Text(string name)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return null;
        if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) throw new UsageException($"{name} needs a value");
        return args[i + 1];
    }

    public string Required(string name) => Text(name) ?? throw new UsageException($"{name} is required");

    public T Number<T>(string name, T fallback, T min) where T : struct, System.Numerics.INumber<T>, IParsable<T>
    {
        if (Text(name) is not { } text) return fallback;
        if (!T.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out T value) || value < min)
            throw new UsageException($"{name} must be a number ≥ {min}, got '{text}'");
        return value;
    }
}

/// <summary>A command line that cannot be run; the message says which option is wrong and how.</summary>
internal sealed class UsageException(string message) : Exception(message);
