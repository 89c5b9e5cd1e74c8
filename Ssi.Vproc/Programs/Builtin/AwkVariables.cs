// awk's storage: variables, arrays, the record and its fields (split lazily, rebuilt with OFS when a field changes).
namespace Ssi.Vproc.Programs.Builtin;

public sealed partial class AwkInterpreter
{
    private string _record = "";
    private List<string> _fields = [];
    private bool _split = true;
    private bool _stale;
    // FS and RS as they were when the record was read: a change applies from the next record on.
    private string _splitFs = " ";
    private bool _splitParagraph;

    private void SetRecord(string record)
    {
        _record = record;
        _split = false;
        _stale = false;
        _splitFs = Global(FS);
        _splitParagraph = Global(RS).Length == 0;
    }

    private void Split()
    {
        if (_split) return;
        _fields = AwkSplit.Fields(_record, _splitFs, _splitParagraph);
        _split = true;
        _globals[NF].Value = AwkValue.Of(_fields.Count);
    }

    /// <summary>$0, rebuilt from the fields joined by OFS if one was assigned.</summary>
    private string Record()
    {
        if (_stale)
        {
            _record = string.Join(Global(OFS), _fields);
            _stale = false;
        }
        return _record;
    }

    private AwkValue GetField(int i)
    {
        if (i == 0) return AwkValue.Input(Record());
        Split();
        return i <= _fields.Count ? AwkValue.Input(_fields[i - 1]) : AwkValue.Empty;
    }

    private void SetField(int i, AwkValue value)
    {
        var text = Text(value);
        if (i == 0)
        {
            SetRecord(text);
            return;
        }
        Split();
        while (_fields.Count < i) _fields.Add("");
        _fields[i - 1] = text;
        _globals[NF].Value = AwkValue.Of(_fields.Count);
        _stale = true;
    }

    private int FieldIndex(AwkField f)
    {
        var n = Eval(f.Index).ToNumber();
        if (n < 0 || double.IsNaN(n)) throw new AwkRuntimeException($"trying to access out of range field {AwkNumbers.ToText(n, "%.6g")}");
        if (n > 1_000_000) throw new AwkRuntimeException($"program limit exceeded: maximum number of fields size={(long)n}");
        return (int)n;
    }

    private AwkCell CellOf(AwkVar v) => v.Local ? _locals[v.Slot] : _globals[v.Slot];

    private AwkValue GetVar(AwkVar v)
    {
        if (!v.Local && v.Slot == NF) Split();
        var cell = CellOf(v);
        if (cell.Array is not null) throw new AwkRuntimeException($"can't use array {v.Name} in scalar context");
        return cell.Value;
    }

    private void SetVar(AwkVar v, AwkValue value)
    {
        if (!v.Local)
        {
            if (_globals[v.Slot].Array is not null) throw new AwkRuntimeException($"can't assign to {v.Name}; it's an array name.");
            SetGlobal(v.Slot, value);
            return;
        }
        var cell = _locals[v.Slot];
        if (cell.Array is not null) throw new AwkRuntimeException($"can't assign to {v.Name}; it's an array name.");
        cell.Value = value;
    }

    private void SetGlobal(int slot, AwkValue value)
    {
        if (slot == NF)
        {
            Split();
            var n = value.ToNumber();
            if (n < 0 || n > 1_000_000 || double.IsNaN(n)) throw new AwkRuntimeException($"NF set to an invalid value {Text(value)}");
            var count = (int)n;
            if (_fields.Count > count) _fields.RemoveRange(count, _fields.Count - count);
            while (_fields.Count < count) _fields.Add("");
            _stale = true;
            _globals[NF].Value = AwkValue.Of(count);
            return;
        }
        _globals[slot].Value = value;
    }

    /// <summary>A special variable's text (CONVFMT's own conversion uses %.6g, so that it cannot recurse).</summary>
    private string Global(int slot) => AwkFormat.Text(_globals[slot].Value, "%.6g");

    private Dictionary<string, AwkValue> ArrayOf(AwkVar v) => ArrayOf(CellOf(v), v.Name);

    // An untyped variable becomes an array when used as one; a parameter aliasing one makes the caller's array.
    private static Dictionary<string, AwkValue> ArrayOf(AwkCell cell, string name)
    {
        if (cell.Array is not null) return cell.Array;
        if (cell.Value.Kind != AwkKind.Uninit) throw new AwkRuntimeException($"can't use scalar {name} as array");
        cell.Array = cell.Alias is not null ? ArrayOf(cell.Alias, name) : [];
        return cell.Array;
    }

    private string Text(AwkValue v) => v.Kind switch
    {
        AwkKind.Number => AwkNumbers.ToText(v.Number, Global(CONVFMT)),
        AwkKind.Uninit => "",
        _ => v.Text!,
    };

    private string Subscript(List<AwkExpr> subscripts)
    {
        if (subscripts.Count == 1) return Text(Eval(subscripts[0]));
        var parts = new string[subscripts.Count];
        for (var i = 0; i < parts.Length; i++) parts[i] = Text(Eval(subscripts[i]));
        return string.Join(Global(SUBSEP), parts);
    }

    /// <summary>Where an lvalue lives, found once (so a[i++] += 1 steps i once).</summary>
    private readonly record struct Place(AwkVar? Var, Dictionary<string, AwkValue>? Array, string? Key, int Field);

    private Place Locate(AwkExpr target) => target switch
    {
        AwkVar v => new Place(v, null, null, -1),
        AwkIndex x => new Place(null, ArrayOf(x.Array), Subscript(x.Subscripts), -1),
        AwkField f => new Place(null, null, null, FieldIndex(f)),
        _ => throw new AwkRuntimeException("assignment to a value that is not a variable"),
    };

    private AwkValue Get(Place place)
    {
        if (place.Var is not null) return GetVar(place.Var);
        if (place.Array is not null)
        {
            if (place.Array.TryGetValue(place.Key!, out var v)) return v;
            place.Array[place.Key!] = AwkValue.Uninit;
            return AwkValue.Uninit;
        }
        return GetField(place.Field);
    }

    private void Set(Place place, AwkValue value)
    {
        if (place.Var is not null) SetVar(place.Var, value);
        else if (place.Array is not null) place.Array[place.Key!] = value;
        else SetField(place.Field, value);
    }
}
