// Redirections (XCU 2.7): opening, duplicating and closing descriptors, here-documents, and undoing them after a builtin.
using System.Collections.Immutable;
using Ssi.Actors.Errors;
using Ssi.Actors.Identity;
using Ssi.Cfs.Files;
using Ssi.Cfs.Inodes;

namespace Ssi.Vproc.Programs.Shell;

public sealed partial class ShellInterpreter
{
    /// <summary>Here-documents up to this size go through a pipe the shell fills itself; larger ones get a writer process.</summary>
    private const int HereDocumentInPipe = 32 * 1024;

    /// <summary>
    /// Performs <paramref name="redirections"/> in order. With <paramref name="saves"/>, each descriptor changed is
    /// first copied aside (close-on-exec) so <see cref="Restore"/> can put it back: builtins, functions and compound
    /// commands run in the shell itself.
    /// </summary>
    public IEnumerable<SystemCall> Redirect(ImmutableArray<Redirection> redirections, List<(int Fd, int Saved)>? saves, Box<bool> ok)
    {
        ok.Value = true;
        for (var i = 0; i < redirections.Length; i++)
        {
            var r = redirections[i];
            var fd = r.Descriptor;
            string target;
            byte[]? document = null;
            if (r.Kind == RedirectionKind.HereDoc)
            {
                var body = new Box<string>();
                if (r.Document!.Expand)
                    foreach (var call in ExpandHereDocument(r.Document.Body, body)) yield return call;
                else body.Value = r.Document.Body;
                if (Aborted)
                {
                    ok.Value = false;
                    yield break;
                }
                document = Io.Bytes(body.Value);
                target = "";
            }
            else
            {
                var expanded = new Box<string>();
                foreach (var call in ExpandString(r.Target, expanded)) yield return call;
                if (Aborted)
                {
                    ok.Value = false;
                    yield break;
                }
                target = expanded.Value;
            }
            if (saves is not null && !saves.Exists(s => s.Fd == fd))
            {
                yield return new Dup(new Fd(fd));
                if (Failed) saves.Add((fd, -1));
                else
                {
                    var saved = P.Result.Int;
                    yield return new SetCloseOnExec(new Fd(saved), true);
                    saves.Add((fd, saved));
                }
            }
            switch (r.Kind)
            {
                case RedirectionKind.DupInput or RedirectionKind.DupOutput:
                    if (target == "-")
                    {
                        yield return new Close(new Fd(fd));
                        continue;
                    }
                    if (target.Length == 0 || !target.All(char.IsAsciiDigit))
                    {
                        // dash: a syntax error, which ends a script.
                        Abort($"Syntax error: Bad fd number: {target}", 2);
                        ok.Value = false;
                        yield break;
                    }
                    var from = int.Parse(target);
                    if (from == fd) continue;
                    yield return new Dup2(new Fd(from), new Fd(fd));
                    if (Failed)
                    {
                        yield return Message($"{from}: Bad file descriptor");
                        ok.Value = false;
                        yield break;
                    }
                    continue;
                case RedirectionKind.HereDoc:
                    foreach (var call in HereDocumentOn(fd, document!, ok)) yield return call;
                    if (!ok.Value) yield break;
                    continue;
            }
            if (r.Kind == RedirectionKind.Output && State.NoClobber)
            {
                yield return new Stat(target);
                if (!Failed && P.Result.Stat?.Type == InodeType.Regular)
                {
                    yield return Message($"cannot create {target}: File exists");
                    ok.Value = false;
                    yield break;
                }
            }
            var flags = r.Kind switch
            {
                RedirectionKind.Input => OpenFlags.ReadOnly,
                RedirectionKind.Output or RedirectionKind.Clobber => OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Truncate,
                RedirectionKind.Append => OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Append,
                _ => OpenFlags.ReadWrite | OpenFlags.Create,
            };
            yield return new Open(target, flags);
            if (Failed)
            {
                var error = P.Result.Error!.Value;
                yield return Message(r.Kind == RedirectionKind.Input ? $"cannot open {target}: {NotFound(error)}" : $"cannot create {target}: {NotFound(error)}");
                ok.Value = false;
                yield break;
            }
            var opened = P.Result.Int;
            if (opened != fd)
            {
                yield return new Dup2(new Fd(opened), new Fd(fd));
                yield return new Close(new Fd(opened));
            }
        }
    }

    private static string NotFound(Errno error) => error == Errno.ENOENT ? "Directory nonexistent" : error.Describe();

    private IEnumerable<SystemCall> HereDocumentOn(int fd, byte[] document, Box<bool> ok)
    {
        yield return new Pipe();
        if (Failed)
        {
            yield return Message($"pipe: {P.Result.Error!.Value.Describe()}");
            ok.Value = false;
            yield break;
        }
        var (read, write) = P.Result.PipeEnds;
        if (document.Length <= HereDocumentInPipe)
        {
            if (document.Length > 0) yield return new Write(write, document);
            yield return new Close(write);
        }
        else
        {
            yield return new Fork();
            if (!Failed && P.Result.Value == 0)
            {
                yield return new Close(read);
                yield return new Write(write, document);
                yield return new Exit(0);
            }
            yield return new Close(write);
        }
        if (read.Value != fd)
        {
            yield return new Dup2(read, new Fd(fd));
            yield return new Close(read);
        }
    }

    /// <summary>Puts back the descriptors <see cref="Redirect"/> saved, last first.</summary>
    public IEnumerable<SystemCall> Restore(List<(int Fd, int Saved)> saves)
    {
        for (var i = saves.Count - 1; i >= 0; i--)
        {
            var (fd, saved) = saves[i];
            if (saved < 0) yield return new Close(new Fd(fd));
            else
            {
                yield return new Dup2(new Fd(saved), new Fd(fd));
                yield return new Close(new Fd(saved));
            }
        }
        saves.Clear();
    }
}
