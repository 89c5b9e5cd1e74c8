// awk's interpreter, the part that runs: BEGIN, the record loop, END, and the statements, as iterators of system calls.
using System.Text;

namespace Ssi.Vproc.Programs.Builtin;

/// <summary>A variable: a scalar, an array, or (a parameter given an untyped variable) an alias that may become its array.</summary>
public sealed class AwkCell
{
    public AwkValue Value = AwkValue.Uninit;
    public Dictionary<string, AwkValue>? Array;
    public AwkCell? Alias;
}

/// <summary>
/// Runs a parsed <see cref="AwkProgram"/>. Statements are iterators (<see cref="Exec"/>) because print, getline and
/// close make system calls; expressions without such calls (<see cref="AwkExpr.Io"/> false) are evaluated directly,
/// and those with them through <see cref="EvalIo"/>. All state is plain data: the program keeps it across calls.
/// A run-time error is an <see cref="AwkRuntimeException"/>, which the program turns into a message and status 2.
/// </summary>
public sealed partial class AwkInterpreter
{
    private enum Flow
    {
        None,
        Break,
        Continue,
        Next,
        NextFile,
        Exit,
        Return,
    }

    private const int NF = 0, NR = 1, FNR = 2, FS = 3, OFS = 4, ORS = 5, RS = 6, SUBSEP = 7, CONVFMT = 8, OFMT = 9,
        RSTART = 10, RLENGTH = 11, FILENAME = 12, ENVIRON = 13, ARGC = 14, ARGV = 15;

    private readonly AwkProgram _program;
    private readonly AwkCell[] _globals;
    private AwkCell[] _locals = [];
    private Flow _flow;
    private AwkValue _returned;
    private readonly bool[] _inRange;
    private int _sync;

    /// <summary>The exit status the program asked for.</summary>
    public int Status { get; private set; }

    public AwkInterpreter(AwkProgram program, string[] argv, IReadOnlyDictionary<string, string> environment)
    {
        _program = program;
        _globals = new AwkCell[program.Globals.Count];
        for (var i = 0; i < _globals.Length; i++) _globals[i] = new AwkCell();
        _inRange = new bool[program.Rules.Count];
        _globals[FS].Value = AwkValue.Of(" ");
        _globals[OFS].Value = AwkValue.Of(" ");
        _globals[ORS].Value = AwkValue.Of("\n");
        _globals[RS].Value = AwkValue.Of("\n");
        _globals[SUBSEP].Value = AwkValue.Of("\x1c");
        _globals[CONVFMT].Value = AwkValue.Of("%.6g");
        _globals[OFMT].Value = AwkValue.Of("%.6g");
        _globals[NF].Value = _globals[NR].Value = _globals[FNR].Value = _globals[RSTART].Value = _globals[RLENGTH].Value = AwkValue.Of(0);
        _globals[RLENGTH].Value = AwkValue.Of(-1);
        _globals[FILENAME].Value = AwkValue.Empty;
        _globals[ENVIRON].Array = environment.ToDictionary(e => e.Key, e => AwkValue.Input(e.Value));
        _globals[ARGC].Value = AwkValue.Of(argv.Length);
        _globals[ARGV].Array = [];
        for (var i = 0; i < argv.Length; i++) _globals[ARGV].Array![i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = AwkValue.Input(argv[i]);
    }

    /// <summary>Sets a variable by name, as -v and NAME=VALUE operands do (the value's escapes are read).</summary>
    public void Assign(string name, string value)
    {
        var slot = _program.Globals.IndexOf(name);
        if (slot < 0) return;
        if (_globals[slot].Array is not null) throw new AwkRuntimeException($"can't assign to {name}; it's an array name.");
        SetGlobal(slot, AwkValue.Input(AwkLexer.Unescape(value)));
    }

    /// <summary>The whole run: BEGIN, every record of the inputs through the main rules, END; then output flushed.</summary>
    public IEnumerable<SystemCall> Run(ProcessContext p)
    {
        var rules = _program.Rules;
        var exiting = false;
        for (var i = 0; i < rules.Count && !exiting; i++)
        {
            if (rules[i].Kind != AwkRuleKind.Begin) continue;
            foreach (var call in Exec(rules[i].Action!)) yield return call;
            exiting = _flow == Flow.Exit;
            _flow = Flow.None;
        }
        if (!exiting && rules.Exists(r => r.Kind != AwkRuleKind.Begin))
        {
            while (!exiting)
            {
                foreach (var call in NextMainRecord(p)) yield return call;
                if (_got is null) break;
                SetRecord(_got);
                for (var i = 0; i < rules.Count; i++)
                {
                    var rule = rules[i];
                    if (rule.Kind != AwkRuleKind.Main) continue;
                    foreach (var call in Selects(i)) yield return call;
                    if (_flow == Flow.Exit) break;
                    if (!_io.ToBool()) continue;
                    if (rule.Action is null) PrintRecord();
                    else foreach (var call in Exec(rule.Action)) yield return call;
                    if (_flow != Flow.None) break;
                }
                exiting = _flow == Flow.Exit;
                if (_flow == Flow.NextFile) foreach (var call in EndMainFile()) yield return call;
                _flow = Flow.None;
                foreach (var call in FlushIfFull()) yield return call;
            }
        }
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Kind != AwkRuleKind.End) continue;
            foreach (var call in Exec(rules[i].Action!)) yield return call;
            if (_flow == Flow.Exit) break;
            _flow = Flow.None;
        }
        foreach (var call in CloseAll()) yield return call;
    }

    // Whether rule i selects the record now in $0, in _io; a range stays on from its start to its end.
    private IEnumerable<SystemCall> Selects(int i)
    {
        var rule = _program.Rules[i];
        if (rule.Pattern is null) { _io = AwkValue.Of(true); yield break; }
        if (rule.RangeEnd is null)
        {
            foreach (var call in EvalIo(rule.Pattern)) yield return call;
            _io = AwkValue.Of(_io.ToBool());
            yield break;
        }
        if (!_inRange[i])
        {
            foreach (var call in EvalIo(rule.Pattern)) yield return call;
            if (!_io.ToBool()) yield break;
            _inRange[i] = true;
        }
        foreach (var call in EvalIo(rule.RangeEnd)) yield return call;
        if (_io.ToBool()) _inRange[i] = false;
        _io = AwkValue.Of(true);
    }

    private IEnumerable<SystemCall> Exec(AwkStmt statement)
    {
        switch (statement)
        {
            case AwkBlock b:
                for (var i = 0; i < b.Body.Count; i++)
                {
                    foreach (var call in Exec(b.Body[i])) yield return call;
                    if (_flow != Flow.None) yield break;
                }
                break;
            case AwkExprStmt e:
                if (e.Expr.Io) foreach (var call in EvalIo(e.Expr)) yield return call;
                else Eval(e.Expr);
                break;
            case AwkPrint print:
                foreach (var call in Print(print)) yield return call;
                break;
            case AwkIf s:
                foreach (var call in EvalIo(s.Test)) yield return call;
                if (_io.ToBool()) { foreach (var call in Exec(s.Then)) yield return call; }
                else if (s.Else is not null) foreach (var call in Exec(s.Else)) yield return call;
                break;
            case AwkWhile w:
                while (true)
                {
                    foreach (var call in EvalIo(w.Test)) yield return call;
                    if (!_io.ToBool()) break;
                    foreach (var call in Exec(w.Body)) yield return call;
                    if (EndsLoop()) break;
                }
                break;
            case AwkDo d:
                while (true)
                {
                    foreach (var call in Exec(d.Body)) yield return call;
                    if (EndsLoop()) break;
                    foreach (var call in EvalIo(d.Test)) yield return call;
                    if (!_io.ToBool()) break;
                }
                break;
            case AwkFor f:
                if (f.Init is not null) foreach (var call in Exec(f.Init)) yield return call;
                while (true)
                {
                    if (f.Test is not null)
                    {
                        foreach (var call in EvalIo(f.Test)) yield return call;
                        if (!_io.ToBool()) break;
                    }
                    foreach (var call in Exec(f.Body)) yield return call;
                    if (EndsLoop()) break;
                    if (f.Step is not null) foreach (var call in Exec(f.Step)) yield return call;
                }
                break;
            case AwkForIn f:
            {
                var array = ArrayOf(f.Array);
                var keys = array.Keys.ToArray();
                for (var i = 0; i < keys.Length; i++)
                {
                    if (!array.ContainsKey(keys[i])) continue;
                    SetVar(f.Key, AwkValue.Of(keys[i]));
                    foreach (var call in Exec(f.Body)) yield return call;
                    if (EndsLoop()) break;
                }
                break;
            }
            case AwkJumpStmt j:
                if (j.Value is not null)
                {
                    foreach (var call in EvalIo(j.Value)) yield return call;
                    if (j.Jump == AwkJump.Exit) Status = (int)_io.ToNumber() & 0xFF;
                    else _returned = _io;
                }
                else if (j.Jump == AwkJump.Return) _returned = AwkValue.Uninit;
                _flow = j.Jump switch
                {
                    AwkJump.Break => Flow.Break, AwkJump.Continue => Flow.Continue, AwkJump.Next => Flow.Next,
                    AwkJump.NextFile => Flow.NextFile, AwkJump.Exit => Flow.Exit, _ => Flow.Return,
                };
                break;
            case AwkDelete d:
                if (d.Subscripts is null) { ArrayOf(d.Array).Clear(); break; }
                foreach (var call in Precompute(d.Subscripts)) yield return call;
                ArrayOf(d.Array).Remove(Subscript(d.Subscripts));
                break;
        }
    }

    // After a loop's body: break ends it, continue goes on, anything else (next, exit, return) ends it and stays set.
    private bool EndsLoop()
    {
        if (_flow == Flow.Break) { _flow = Flow.None; return true; }
        if (_flow == Flow.Continue) _flow = Flow.None;
        return _flow != Flow.None;
    }

    private IEnumerable<SystemCall> Print(AwkPrint print)
    {
        foreach (var call in EvalIoAll(print.Args)) yield return call;
        var values = _ioAll;
        string text;
        if (print.Formatted) text = AwkFormat.Sprintf(Text(values[0]), values.GetRange(1, values.Count - 1), Global(CONVFMT));
        else if (values.Count == 0) text = Record() + Global(ORS);
        else
        {
            var s = new StringBuilder();
            var ofs = Global(OFS);
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0) s.Append(ofs);
                s.Append(values[i].Kind == AwkKind.Number ? AwkNumbers.ToText(values[i].Number, Global(OFMT)) : Text(values[i]));
            }
            text = s.Append(Global(ORS)).ToString();
        }
        if (print.Destination is null)
        {
            _stdout.Append(text);
            if (_sync == 0) foreach (var call in FlushIfFull()) yield return call;
            yield break;
        }
        foreach (var call in EvalIo(print.Destination)) yield return call;
        foreach (var call in Output(print.Redirect, Text(_io), text)) yield return call;
    }

    private void PrintRecord() => _stdout.Append(Record()).Append(Global(ORS));

    /// <summary>A user function's call: arguments bound (arrays and untyped variables by reference), body run.</summary>
    private IEnumerable<SystemCall> Call(AwkCall call, List<AwkValue?> values)
    {
        var f = _program.Functions[call.Name];
        var frame = new AwkCell[f.Params.Count];
        for (var i = 0; i < frame.Length; i++)
        {
            if (i >= call.Args.Count) { frame[i] = new AwkCell(); continue; }
            if (values[i] is { } v) { frame[i] = new AwkCell { Value = v }; continue; }
            var cell = CellOf((AwkVar)call.Args[i]);
            frame[i] = cell.Array is not null ? cell : new AwkCell { Alias = cell };
        }
        var saved = _locals;
        _locals = frame;
        _returned = AwkValue.Uninit;
        foreach (var c in Exec(f.Body)) yield return c;
        _locals = saved;
        if (_flow == Flow.Return) _flow = Flow.None;
        _io = _returned;
    }

    // The value of each argument, or null for a bare variable that may be (or become) an array.
    private List<AwkValue?> ArgumentValues(AwkCall call)
    {
        var values = new List<AwkValue?>();
        for (var i = 0; i < call.Args.Count; i++)
        {
            if (call.Args[i] is AwkVar v && CellOf(v) is var cell && (cell.Array is not null || cell.Value.Kind == AwkKind.Uninit))
                values.Add(null);
            else values.Add(Eval(call.Args[i]));
        }
        return values;
    }

    // A function without system calls, called from plain evaluation: its iterator never yields, so it is run out here.
    private AwkValue CallNow(AwkCall call)
    {
        var values = ArgumentValues(call);
        _sync++;
        foreach (var _ in Call(call, values)) throw new InvalidOperationException("a function without I/O made a system call");
        _sync--;
        return _io;
    }
}
