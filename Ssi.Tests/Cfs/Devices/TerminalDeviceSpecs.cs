// The terminal device alone: reads answered by PID through the node's process layer, and cancels that arrive before
// their read (a process that moved cancels from its new node while the read it sent from the old one is still on
// its way).
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Ssi.Actors.Identity;
using Ssi.Actors.Signals;
using Ssi.Cfs.Devices;

namespace Ssi.Tests.Cfs.Devices;

public sealed class TerminalDeviceSpecs : TestKit
{
    private const int Pid = 2_000_042;
    private readonly Akka.TestKit.TestProbe _client;
    private readonly Akka.TestKit.TestProbe _processes;
    private readonly IActorRef _device;

    public TerminalDeviceSpecs()
    {
        _client = CreateTestProbe();
        _processes = CreateTestProbe();
        _device = Sys.ActorOf(TerminalDevice.Props(_client.Ref, _processes.Ref));
    }

    private void Type(string text) => _device.Tell(new TerminalInput(Encoding.UTF8.GetBytes(text)), _client.Ref);

    private T Answer<T>(long callId) where T : class
    {
        var reply = _processes.ExpectMsg<TerminalReply>();
        Assert.Equal(new Pid(Pid), reply.Pid);
        var answer = Assert.IsType<T>(reply.Reply);
        Assert.Equal(callId, answer switch { TerminalData d => d.CallId, TerminalReadCancelled c => c.CallId, TerminalBackground b => b.CallId, _ => -1 });
        return answer;
    }

    [Fact]
    public void A_read_is_answered_to_its_process_by_pid_through_the_process_layer()
    {
        _device.Tell(new TerminalRead(1, 10, new Pid(Pid)));
        Type("hello\n");
        Assert.Equal("hello\n", Encoding.UTF8.GetString(Answer<TerminalData>(1).Data));
    }

    [Fact]
    public void A_cancel_that_overtakes_its_read_answers_that_read_as_cancelled_and_it_takes_no_input()
    {
        _device.Tell(new TerminalCancelRead(3, new Pid(Pid)));
        _processes.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _device.Tell(new TerminalRead(3, 10, new Pid(Pid)));
        Answer<TerminalReadCancelled>(3);
        _device.Tell(new TerminalRead(4, 10, new Pid(Pid)));
        Type("next\n");
        Assert.Equal("next\n", Encoding.UTF8.GetString(Answer<TerminalData>(4).Data));
    }

    [Fact]
    public void A_cancel_that_comes_after_its_answer_does_not_touch_the_next_read()
    {
        _device.Tell(new TerminalRead(1, 10, new Pid(Pid)));
        Type("a\n");
        Answer<TerminalData>(1);
        _device.Tell(new TerminalCancelRead(1, new Pid(Pid)));
        _device.Tell(new TerminalRead(2, 10, new Pid(Pid)));
        Type("b\n");
        Assert.Equal("b\n", Encoding.UTF8.GetString(Answer<TerminalData>(2).Data));
    }

    [Fact]
    public void A_waiting_read_cancelled_in_time_gets_the_cancel_and_leaves_the_input_for_the_next()
    {
        _device.Tell(new TerminalRead(7, 10, new Pid(Pid)));
        _device.Tell(new TerminalCancelRead(7, new Pid(Pid)));
        Answer<TerminalReadCancelled>(7);
        Type("kept\n");
        _device.Tell(new TerminalRead(8, 10, new Pid(Pid)));
        Assert.Equal("kept\n", Encoding.UTF8.GetString(Answer<TerminalData>(8).Data));
    }

    [Fact]
    public void A_read_of_a_host_pipe_takes_what_input_there_is_while_a_terminal_read_waits_for_the_line()
    {
        // The client's stdin is a pipe: no line discipline, its bytes are kept as they came.
        var device = Sys.ActorOf(TerminalDevice.Props(_client.Ref, _processes.Ref, inputIsTerminal: false));
        void Type(string text) => device.Tell(new TerminalInput(Encoding.UTF8.GetBytes(text)), _client.Ref);
        device.Tell(new TerminalRead(1, 10, new Pid(Pid)));
        Type("ab");
        _processes.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // canonical: no whole line yet
        Type("c\nde");
        Assert.Equal("abc\n", Encoding.UTF8.GetString(Answer<TerminalData>(1).Data));
        device.Tell(new TerminalRead(2, 10, new Pid(Pid), AsPipe: true));
        Assert.Equal("de", Encoding.UTF8.GetString(Answer<TerminalData>(2).Data));
        Type("f\ng\n");
        device.Tell(new TerminalRead(3, 10, new Pid(Pid), AsPipe: true));
        Assert.Equal("f\ng\n", Encoding.UTF8.GetString(Answer<TerminalData>(3).Data)); // a pipe read does not stop at a newline
    }

    private string Echoed()
    {
        var output = _client.ExpectMsg<TerminalOutput>();
        Assert.Equal(1, output.Channel);
        _device.Tell(new TerminalOutputAck(output.Sequence), _client.Ref);
        return Encoding.UTF8.GetString(output.Data);
    }

    [Fact]
    public void Typed_keys_are_edited_and_echoed_to_the_client_and_the_read_gets_the_edited_line()
    {
        _device.Tell(new TerminalRead(1, 100, new Pid(Pid)));
        Type("abc\x7f" + "d\r");
        Assert.Equal("abc\b \bd\n", Echoed());
        Assert.Equal("abd\n", Encoding.UTF8.GetString(Answer<TerminalData>(1).Data));
    }

    [Fact]
    public void Ctrl_c_signals_the_foreground_group_and_echoes_caret_c()
    {
        _device.Tell(new TerminalSetForeground(new Pid(Pid)));
        Type("\x03");
        Assert.Equal("^C", Echoed());
        var signal = _processes.ExpectMsg<SignalProcessGroup>();
        Assert.Equal((new Pid(Pid), Signal.SIGINT), (signal.ProcessGroup, signal.Signal));
    }

    [Fact]
    public void Settings_set_by_a_process_are_the_terminals_and_stop_the_echo()
    {
        var quiet = TerminalSettings.Sane.With(TerminalFlags.Echo, false);
        _device.Tell(new TerminalSetSettings(quiet));
        var status = ExpectMsg<TerminalStatus>();
        Assert.Equal(quiet, status.Settings);
        Assert.Equal("/dev/pts/0", status.Name);
        _device.Tell(new TerminalRead(1, 100, new Pid(Pid)));
        Type("secret\n");
        Assert.Equal("secret\n", Encoding.UTF8.GetString(Answer<TerminalData>(1).Data));
        _client.ExpectMsg<TerminalInputAck>(); // the line was taken, and nothing echoed before or after
        _client.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _device.Tell(TerminalGetStatus.Instance);
        Assert.Equal(quiet, ExpectMsg<TerminalStatus>().Settings);
    }

    [Fact]
    public void The_older_mode_call_clears_icanon_and_echo_together()
    {
        _device.Tell(new TerminalSetMode(false));
        _device.Tell(TerminalGetStatus.Instance);
        var settings = ExpectMsg<TerminalStatus>().Settings;
        Assert.False(settings.Has(TerminalFlags.Icanon) || settings.Has(TerminalFlags.Echo));
        _device.Tell(new TerminalRead(1, 100, new Pid(Pid)));
        Type("q");
        Assert.Equal("q", Encoding.UTF8.GetString(Answer<TerminalData>(1).Data));
    }

    [Fact]
    public void A_read_from_a_background_group_is_refused_and_one_from_the_foreground_served()
    {
        _device.Tell(new TerminalSetForeground(new Pid(Pid)));
        _device.Tell(new TerminalRead(1, 100, new Pid(Pid), Group: new Pid(Pid + 1)));
        Answer<TerminalBackground>(1);
        _device.Tell(new TerminalRead(2, 100, new Pid(Pid), Group: new Pid(Pid)));
        Type("x\n");
        Assert.Equal("x\n", Encoding.UTF8.GetString(Answer<TerminalData>(2).Data));
    }

    [Fact]
    public void With_tostop_a_background_write_is_refused_and_without_it_written()
    {
        _device.Tell(new TerminalSetForeground(new Pid(Pid)));
        _device.Tell(new TerminalWrite(1, [(byte)'a'], new Pid(Pid + 1)));
        Assert.Equal(1, ExpectMsg<TerminalWritten>().Count);
        _device.Tell(new TerminalSetSettings(TerminalSettings.Sane.With(TerminalFlags.Tostop, true)));
        ExpectMsg<TerminalStatus>();
        _device.Tell(new TerminalWrite(1, [(byte)'b'], new Pid(Pid + 1)));
        ExpectMsg<TerminalBackground>();
        _device.Tell(new TerminalWrite(1, [(byte)'c'], new Pid(Pid)));
        Assert.Equal(1, ExpectMsg<TerminalWritten>().Count);
    }

    [Fact]
    public void A_background_caller_cannot_take_the_terminal_but_the_foreground_one_can_give_it_away()
    {
        _device.Tell(new TerminalSetForeground(new Pid(Pid)));
        _device.Tell(new TerminalSetForeground(new Pid(Pid + 1)) { Caller = new Pid(Pid + 1), Answer = true });
        ExpectMsg<TerminalBackground>();
        _device.Tell(new TerminalSetForeground(new Pid(Pid + 1)) { Caller = new Pid(Pid), Answer = true });
        Assert.Equal(new Pid(Pid + 1), ExpectMsg<TerminalStatus>().Foreground);
    }
}
