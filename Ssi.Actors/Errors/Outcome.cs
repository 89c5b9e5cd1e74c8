// A value or an errno: how every expected failure is returned, never thrown.
namespace Ssi.Actors.Errors;

public readonly record struct Outcome<T>
{
    private readonly T? _value;

    private Outcome(T? value, Errno? error, string? detail)
    {
        _value = value;
        Error = error;
        Detail = detail;
    }

    public Errno? Error { get; }
    public string? Detail { get; }
    public bool IsOk => Error is null;

    public T Value => IsOk ? _value! : throw new InvalidOperationException($"no value: {Error} {Detail}");

    public static Outcome<T> Ok(T value) => new(value, null, null);
    public static Outcome<T> Fail(Errno error, string? detail = null) => new(default, error, detail);

    public static implicit operator Outcome<T>(T value) => Ok(value);

    /// <summary>This failure, as the outcome of a call that returns something else.</summary>
    public Outcome<TOther> Propagate<TOther>() =>
        IsOk ? throw new InvalidOperationException("only a failure can be propagated") : Outcome<TOther>.Fail(Error!.Value, Detail);

    public override string ToString() => IsOk ? $"Ok({_value})" : $"{Error}: {Detail}";
}
