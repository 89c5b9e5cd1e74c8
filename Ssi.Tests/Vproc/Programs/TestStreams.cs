// The test's end of a program's standard streams: a terminal-like device that feeds stdin and keeps what is written.
using Akka.Actor;
using Ssi.Actors.Errors;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;

namespace Ssi.Tests.Vproc.Programs;

/// <summary>
/// Speaks the terminal device's protocol to the process side, as the real device does, but its other end is the test:
/// stdin is a fixed input, and output is kept instead of going to a client. In line mode a read returns one line at
/// most, as a terminal in canonical mode does; otherwise it returns what was asked, as a pipe would. Once
/// <see cref="StdoutLimit"/> bytes went to stdout, writes there fail with EPIPE: the reader went away.
/// </summary>
public sealed class TestStreams : ReceiveActor
{
    /// <summary>Asks what the streams saw; the reply is <see cref="Seen"/>.</summary>
    public sealed record Query
    {
        public static readonly Query Instance = new();
    }

    public sealed record Seen(byte[] Stdout, byte[] Stderr, int StdinConsumed);

    private readonly List<byte> _stdout = [], _stderr = [];
    private int _stdinAt;

    public TestStreams(byte[] stdin, bool lineMode, long? stdoutLimit)
    {
        Receive<TerminalRead>(read =>
        {
            var take = Math.Min(read.Count, stdin.Length - _stdinAt);
            if (lineMode && Array.IndexOf(stdin, (byte)'\n', _stdinAt, take) is var newline and >= 0) take = newline - _stdinAt + 1;
            var data = stdin[_stdinAt..(_stdinAt + take)];
            _stdinAt += take;
            Sender.Tell(new TerminalData(read.CallId, data));
        });
        Receive<TerminalWrite>(write =>
        {
            if (write.Channel == 1 && stdoutLimit is { } limit && _stdout.Count + write.Data.Length > limit)
            {
                Sender.Tell(new Failed(Errno.EPIPE, "the reader of standard output went away"));
                return;
            }
            (write.Channel == 1 ? _stdout : _stderr).AddRange(write.Data);
            Sender.Tell(new TerminalWritten(write.Data.Length));
        });
        Receive<TerminalSetMode>(_ => { });
        var settings = TerminalSettings.Sane; // tcgetattr and tcsetattr, as a terminal named /dev/pts/7 answers them
        Receive<TerminalGetStatus>(_ => Sender.Tell(new TerminalStatus(settings, "/dev/pts/7", null)));
        Receive<TerminalSetSettings>(set =>
        {
            settings = set.Settings;
            Sender.Tell(new TerminalStatus(settings, "/dev/pts/7", null));
        });
        Receive<TerminalCancelRead>(cancel => Sender.Tell(new TerminalReadCancelled(cancel.CallId)));
        Receive<Query>(_ => Sender.Tell(new Seen([.. _stdout], [.. _stderr], _stdinAt)));
    }

    public static Props Props(byte[] stdin, bool lineMode, long? stdoutLimit) =>
        Akka.Actor.Props.Create(() => new TestStreams(stdin, lineMode, stdoutLimit));
}
