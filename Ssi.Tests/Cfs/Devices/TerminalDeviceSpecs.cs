// The terminal device alone: reads answered by PID through the node's process layer, and cancels that arrive before
// their read (a process that moved cancels from its new node while the read it sent from the old one is still on
// its way).
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Ssi.Actors.Identity;
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
        Assert.Equal(callId, answer switch { TerminalData d => d.CallId, TerminalReadCancelled c => c.CallId, _ => -1 });
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
        _device.Tell(new TerminalRead(1, 10, new Pid(Pid)));
        Type("ab");
        _processes.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // canonical: no whole line yet
        Type("c\nde");
        Assert.Equal("abc\n", Encoding.UTF8.GetString(Answer<TerminalData>(1).Data));
        _device.Tell(new TerminalRead(2, 10, new Pid(Pid), AsPipe: true));
        Assert.Equal("de", Encoding.UTF8.GetString(Answer<TerminalData>(2).Data));
        Type("f\ng\n");
        _device.Tell(new TerminalRead(3, 10, new Pid(Pid), AsPipe: true));
        Assert.Equal("f\ng\n", Encoding.UTF8.GetString(Answer<TerminalData>(3).Data)); // a pipe read does not stop at a newline
    }
}

