// The rules of a pipe without an actor: blocking, end of file, PIPE_BUF atomicity, broken pipes, cancels and references.
using Ssi.Actors.Identity;
using Ssi.Actors.Protocol;
using Ssi.Cfs.Devices;
using Ssi.Cfs.Pipes;

namespace Ssi.Tests.Cfs.Pipes;

public sealed class PipeBufferTests
{
    private static readonly Pid Reader = new(1_000_010), Writer = new(2_000_020), Other = new(3_000_030);

    /// <summary>The process that made the pipe, which holds both ends at first.</summary>
    private static readonly Pid Maker = new(1_000_001);

    private static (PipeBuffer Pipe, List<PipeAnswer> Answers) Steps(PipeBuffer pipe, params PipeInput[] inputs)
    {
        var answers = new List<PipeAnswer>();
        foreach (var input in inputs)
        {
            var (next, more) = PipeBuffer.Decide(pipe, input);
            pipe = next;
            answers.AddRange(more);
        }
        return (pipe, answers);
    }

    private static byte[] Bytes(int count, byte value = 7) => Enumerable.Repeat(value, count).ToArray();

    private static byte[] DataOf(ISsiMessage reply) => Assert.IsType<TerminalData>(reply).Data;

    [Fact]
    public void A_read_of_an_empty_pipe_waits_and_takes_what_a_write_puts_in()
    {
        var (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Read(Reader, 1, 100));
        Assert.Empty(answers);
        (pipe, answers) = Steps(pipe, new PipeInput.Write(Writer, 1, "hello"u8.ToArray()));
        Assert.Equal([new PipeAnswer(Writer, new PipeWritten(1, 5))], answers.Where(a => a.Pid == Writer));
        Assert.Equal("hello"u8.ToArray(), DataOf(Assert.Single(answers, a => a.Pid == Reader).Reply));
        Assert.Equal(0, pipe.Buffered);
    }

    [Fact]
    public void A_read_takes_at_most_its_count_and_leaves_the_rest_in_order()
    {
        var (_, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Write(Writer, 1, "abc"u8.ToArray()), new PipeInput.Write(Writer, 2, "defg"u8.ToArray()),
            new PipeInput.Read(Reader, 1, 2), new PipeInput.Read(Reader, 2, 4), new PipeInput.Read(Reader, 3, 10));
        Assert.Equal(["ab", "cdef", "g"], answers.Where(a => a.Pid == Reader).Select(a => System.Text.Encoding.ASCII.GetString(DataOf(a.Reply))));
    }

    [Fact]
    public void With_every_write_end_closed_a_reader_gets_what_is_left_then_end_of_file()
    {
        var (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Write(Writer, 1, "x"u8.ToArray()), new PipeInput.Release(PipeEnd.Write, Maker),
            new PipeInput.Read(Reader, 1, 10), new PipeInput.Read(Reader, 2, 10));
        Assert.Equal(["x", ""], answers.Where(a => a.Pid == Reader).Select(a => System.Text.Encoding.ASCII.GetString(DataOf(a.Reply))));
        (_, answers) = Steps(PipeBuffer.New(Maker) with { Writers = 2 }, new PipeInput.Read(Reader, 1, 10), new PipeInput.Release(PipeEnd.Write, Maker));
        Assert.Empty(answers); // one writer is left
    }

    [Fact]
    public void A_writer_waits_while_the_pipe_is_full_and_goes_on_when_a_reader_makes_room()
    {
        var (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Write(Writer, 1, Bytes(PipeBuffer.Capacity)), new PipeInput.Write(Writer, 2, Bytes(100)));
        Assert.Equal([new PipeAnswer(Writer, new PipeWritten(1, PipeBuffer.Capacity))], answers);
        Assert.Single(pipe.Writes);
        (pipe, answers) = Steps(pipe, new PipeInput.Read(Reader, 1, 99));
        Assert.DoesNotContain(answers, a => a.Pid == Writer); // 99 bytes of room: a 100-byte write goes in whole or not at all
        (pipe, answers) = Steps(pipe, new PipeInput.Read(Reader, 2, 1));
        Assert.Contains(new PipeAnswer(Writer, new PipeWritten(2, 100)), answers);
        Assert.Equal(PipeBuffer.Capacity, pipe.Buffered);
    }

    [Fact]
    public void A_write_of_PIPE_BUF_bytes_or_less_never_goes_in_part_so_writers_do_not_interleave()
    {
        var (pipe, _) = Steps(PipeBuffer.New(Maker), new PipeInput.Write(Writer, 1, Bytes(PipeBuffer.Capacity - 1000, 1)));
        (pipe, var answers) = Steps(pipe, new PipeInput.Write(Writer, 2, Bytes(PipeBuffer.AtomicLimit, 2)), new PipeInput.Write(Other, 1, Bytes(500, 3)));
        Assert.Empty(answers); // writes wait in order: the smaller one behind does not overtake
        Assert.Equal(PipeBuffer.Capacity - 1000, pipe.Buffered);
        (pipe, answers) = Steps(pipe, new PipeInput.Read(Reader, 1, PipeBuffer.Capacity));
        Assert.Equal([new PipeWritten(2, PipeBuffer.AtomicLimit), new PipeWritten(1, 500)], answers.Where(a => a.Pid != Reader).Select(a => a.Reply));
        (_, answers) = Steps(pipe, new PipeInput.Read(Reader, 2, PipeBuffer.Capacity));
        Assert.Equal([.. Bytes(PipeBuffer.AtomicLimit, 2), .. Bytes(500, 3)], DataOf(Assert.Single(answers).Reply));
    }

    [Fact]
    public void A_write_larger_than_PIPE_BUF_goes_in_as_room_frees_and_answers_once_whole()
    {
        var size = PipeBuffer.Capacity + 10_000;
        var (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Write(Writer, 1, Bytes(size)));
        Assert.Empty(answers);
        Assert.Equal(PipeBuffer.Capacity, pipe.Buffered);
        (pipe, answers) = Steps(pipe, new PipeInput.Read(Reader, 1, PipeBuffer.Capacity));
        Assert.Equal(new PipeWritten(1, size), Assert.Single(answers, a => a.Pid == Writer).Reply);
        Assert.Equal(10_000, pipe.Buffered);
    }

    [Fact]
    public void With_no_reader_left_a_write_is_broken_and_a_partial_one_reports_what_went_in()
    {
        var (_, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Release(PipeEnd.Read, Maker), new PipeInput.Write(Writer, 1, Bytes(10)));
        Assert.Equal([new PipeAnswer(Writer, new PipeBroken(1))], answers);

        var (pipe, _) = Steps(PipeBuffer.New(Maker), new PipeInput.Write(Writer, 1, Bytes(PipeBuffer.Capacity + 5000)));
        (_, answers) = Steps(pipe, new PipeInput.Release(PipeEnd.Read, Maker));
        Assert.Equal([new PipeAnswer(Writer, new PipeWritten(1, PipeBuffer.Capacity))], answers);
    }

    [Fact]
    public void A_cancelled_read_or_write_is_answered_as_cancelled_and_a_cancel_that_overtakes_its_call_still_counts()
    {
        var (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Read(Reader, 4, 10), new PipeInput.Cancel(Reader, 4));
        Assert.Equal([new PipeAnswer(Reader, new TerminalReadCancelled(4))], answers);
        Assert.Empty(pipe.Reads);

        (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Cancel(Reader, 9), new PipeInput.Read(Reader, 9, 10), new PipeInput.Read(Reader, 10, 10));
        Assert.Equal([new PipeAnswer(Reader, new TerminalReadCancelled(9))], answers);
        Assert.Single(pipe.Reads); // call 10 is newer than the cancel: it waits

        (_, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Write(Writer, 3, Bytes(PipeBuffer.Capacity + 1)), new PipeInput.Cancel(Writer, 3));
        Assert.Equal(new PipeWritten(3, PipeBuffer.Capacity), Assert.Single(answers).Reply); // what went in stays, and counts
        (_, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Write(Writer, 1, Bytes(PipeBuffer.Capacity)), new PipeInput.Write(Writer, 2, Bytes(10)), new PipeInput.Cancel(Writer, 2));
        Assert.Equal(new PipeAnswer(Writer, new TerminalReadCancelled(2)), answers[^1]);
    }

    [Fact]
    public void References_count_each_end_and_a_pipe_nobody_refers_to_can_go()
    {
        var (pipe, _) = Steps(PipeBuffer.New(Maker), new PipeInput.Retain(PipeEnd.Write, Maker), new PipeInput.Release(PipeEnd.Write, Maker));
        Assert.Equal((1, 1), (pipe.Readers, pipe.Writers));
        (pipe, _) = Steps(pipe, new PipeInput.Release(PipeEnd.Write, Maker), new PipeInput.Release(PipeEnd.Read, Maker));
        Assert.True(pipe.Unreferenced);
    }

    [Fact]
    public void Zero_byte_reads_and_writes_answer_at_once()
    {
        var (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Read(Reader, 1, 0), new PipeInput.Write(Writer, 1, []));
        Assert.Equal(2, answers.Count);
        Assert.Empty(DataOf(answers[0].Reply));
        Assert.Equal(new PipeAnswer(Writer, new PipeWritten(1, 0)), answers[1]);
        Assert.Empty(pipe.Reads);
    }

    [Fact]
    public void O_NONBLOCK_reads_get_EAGAIN_on_an_empty_pipe_with_a_writer_and_end_of_file_without_one()
    {
        var (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Read(Reader, 1, 10, NonBlocking: true));
        Assert.Equal([new PipeAnswer(Reader, new PipeWouldBlock(1))], answers);
        Assert.True(pipe.Reads.IsEmpty);
        (pipe, answers) = Steps(pipe, new PipeInput.Write(Writer, 1, "hi"u8.ToArray()), new PipeInput.Read(Reader, 2, 10, NonBlocking: true));
        Assert.Equal("hi"u8.ToArray(), DataOf(Assert.Single(answers, a => a.Pid == Reader).Reply));
        (_, answers) = Steps(pipe, new PipeInput.Release(PipeEnd.Write, Maker), new PipeInput.Read(Reader, 3, 10, NonBlocking: true));
        Assert.Empty(DataOf(Assert.Single(answers).Reply)); // end of file, not EAGAIN
    }

    [Fact]
    public void O_NONBLOCK_writes_go_in_whole_up_to_PIPE_BUF_in_part_beyond_it_and_get_EAGAIN_when_nothing_fits()
    {
        var (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Write(Writer, 1, Bytes(PipeBuffer.Capacity - 100), NonBlocking: true));
        Assert.Equal([new PipeAnswer(Writer, new PipeWritten(1, PipeBuffer.Capacity - 100))], answers);
        (pipe, answers) = Steps(pipe, new PipeInput.Write(Writer, 2, Bytes(200), NonBlocking: true)); // atomic: 100 bytes of room is not enough
        Assert.Equal([new PipeAnswer(Writer, new PipeWouldBlock(2))], answers);
        (pipe, answers) = Steps(pipe, new PipeInput.Write(Writer, 3, Bytes(PipeBuffer.AtomicLimit + 1), NonBlocking: true)); // larger: what fits
        Assert.Equal([new PipeAnswer(Writer, new PipeWritten(3, 100))], answers);
        Assert.Equal(PipeBuffer.Capacity, pipe.Buffered);
        (_, answers) = Steps(pipe, new PipeInput.Write(Writer, 4, Bytes(PipeBuffer.AtomicLimit + 1), NonBlocking: true));
        Assert.Equal([new PipeAnswer(Writer, new PipeWouldBlock(4))], answers);
        (_, answers) = Steps(pipe, new PipeInput.Release(PipeEnd.Read, Maker), new PipeInput.Write(Writer, 5, Bytes(1), NonBlocking: true));
        Assert.Equal([new PipeAnswer(Writer, new PipeBroken(5))], answers); // no reader: EPIPE still, not EAGAIN
    }

    [Fact]
    public void References_are_counted_per_process_and_those_of_a_process_lost_with_its_node_go_as_at_its_exit()
    {
        // Maker forks Writer: the child's copy of the write end counts as Maker's until the child is born and takes it.
        var (pipe, answers) = Steps(PipeBuffer.New(Maker), new PipeInput.Retain(PipeEnd.Write, Maker), new PipeInput.HandOver(PipeEnd.Write, Maker, Writer),
            new PipeInput.Release(PipeEnd.Write, Maker), new PipeInput.Read(Maker, 1, 10));
        Assert.Empty(answers);
        Assert.Equal((1, 1), (pipe.Readers, pipe.Writers));
        Assert.Equal([Maker, Writer], pipe.HolderPids.Order());
        (pipe, answers) = Steps(pipe, new PipeInput.HoldersGone([Writer, Other]));
        Assert.Empty(DataOf(Assert.Single(answers).Reply)); // the last writer is gone: end of file
        Assert.Equal((1, 0), (pipe.Readers, pipe.Writers));
        Assert.Equal([Maker], pipe.HolderPids);
    }

    [Fact]
    public void A_child_whose_parent_was_lost_before_it_took_its_reference_is_counted_again()
    {
        var (pipe, _) = Steps(PipeBuffer.New(Maker), new PipeInput.Retain(PipeEnd.Read, Maker), new PipeInput.HoldersGone([Maker]));
        Assert.Equal((0, 0), (pipe.Readers, pipe.Writers));
        (pipe, _) = Steps(pipe, new PipeInput.HandOver(PipeEnd.Read, Maker, Reader));
        Assert.Equal((1, 0), (pipe.Readers, pipe.Writers));
        Assert.Equal([Reader], pipe.HolderPids);
    }
}
