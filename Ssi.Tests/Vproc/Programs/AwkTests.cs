// awk on the real process core: each case's stdout, stderr and status are what the host's mawk 1.3.4 printed (or, where
// mawk leaves POSIX, what POSIX and GNU awk say: integers print whole up to 2^53, a newline splits paragraph fields).
using System.Text;
using Ssi.Vproc.Programs.Builtin;

namespace Ssi.Tests.Vproc.Programs;

[Collection(ProgramClusterCollection.Name)]
public class AwkTests(ProgramCluster cluster)
{
    private ProgramMachine Kernel(string stdin = "")
    {
        var k = new ProgramMachine(cluster) { Stdin = Encoding.UTF8.GetBytes(stdin) };
        k.AddFile("/f", "one 1\ntwo 2\nthree 3\n");
        return k;
    }

    private (string Stdout, string Stderr, int Status) Awk(string stdin, params string[] args)
    {
        var k = Kernel(stdin);
        k.Environment = k.Environment.Add("HOME", "/home/u");
        var r = k.Run(new Awk(), ["awk", .. args]);
        Assert.Empty(k.Crashes);
        return (r.Stdout, r.Stderr, r.ExitCode);
    }

    [Theory]
    [InlineData("{ $2 = \"X\"; print; print NF }", "a b c\n", "a X c\n3\n")]
    [InlineData("BEGIN { OFS = \"-\" } { $1 = $1; print }", "a  b   c\n", "a-b-c\n")]
    [InlineData("{ $5 = \"e\"; print; print NF }", "a b\n", "a b   e\n5\n")]
    [InlineData("{ NF = 2; print; NF = 3; print }", "a b c d\n", "a b\na b \n")]
    [InlineData("{ $0 = \"x y\"; print $2, NF }", "a b c\n", "y 2\n")]
    [InlineData("BEGIN { FS = \",\" } { print $2 }", "a,b,c\n", "b\n")]
    [InlineData("BEGIN { FS = \"[0-9]+\" } { print $2 }", "a12b3c\n", "b\n")]
    [InlineData("BEGIN { RS = \"\" } { print NR \": \" $1 \"/\" $NF }", "\n\na b\nc\n\n\nd e\n", "1: a/c\n2: d/e\n")]
    [InlineData("BEGIN { RS = \";\" } { print }", "a;b;c", "a\nb\nc\n")]
    public void Fields_split_and_rebuild_as_posix_says(string program, string stdin, string stdout) =>
        Assert.Equal((stdout, "", 0), Awk(stdin, program));

    [Theory]
    [InlineData("{ print ($1 < $2) }", "10 9\n", "0\n")]
    [InlineData("{ print ($1 < \"9\") }", "10 9\n", "1\n")]
    [InlineData("{ print ($1 == 1.0) }", "1e0\n", "1\n")]
    [InlineData("{ print ($1 == \"1.0\") }", "1\n", "0\n")]
    [InlineData("BEGIN { print (x == 0), (x == \"\"), length(x) }", "", "1 1 0\n")]
    [InlineData("BEGIN { print 1/3, 100000 * 3, 2^53, 0.1 + 0.2; CONVFMT = \"%.2f\"; x = 3.14159 \"\"; print x }", "", "0.333333 300000 9007199254740992 0.3\n3.14\n")]
    [InlineData("BEGIN { print -2^2, 2^3^2, 7 % -3, -7 % 3, 1 - 1 - 1, \"a\" 1 + 2 }", "", "-4 512 1 -1 -1 a3\n")]
    [InlineData("BEGIN { x = 5; x += 2; x *= 3; x -= 1; x /= 4; x %= 3; print x; y = 2; y ^= 3; print y }", "", "2\n8\n")]
    [InlineData("BEGIN { a[1, 2] = 3; for (k in a) { split(k, p, SUBSEP); print p[1], p[2] }; print ((1, 2) in a), (2 in a) }", "", "1 2\n1 0\n")]
    [InlineData("BEGIN { print index(\"hello\", \"ll\"), substr(\"hello\", 2, 3), substr(\"hello\", 0), toupper(\"ab\") tolower(\"CD\") }", "", "3 ell hello ABcd\n")]
    [InlineData("BEGIN { print match(\"foobar\", /o+/), RSTART, RLENGTH; print match(\"x\", /y/), RLENGTH }", "", "2 2 2\n0 -1\n")]
    [InlineData("BEGIN { n = split(\"a:b::c\", p, \":\"); print n, p[3] == \"\", p[4]; print split(\"  x  y \", q), q[1] }", "", "4 1 c\n2 x\n")]
    [InlineData("BEGIN { print length(\"abc\"), length(12345), int(-3.9), int(\"4x\") }", "", "3 5 -3 4\n")]
    [InlineData("BEGIN { x = \"aaa\"; print gsub(/a/, \"[&]\", x), x; y = \"a.b\"; sub(/\\./, \"\\\\&\", y); print y }", "", "3 [a][a][a]\na&b\n")]
    [InlineData("BEGIN { s = \"abc\"; gsub(/x*/, \"-\", s); print s; t = \"hello\"; gsub(/l/, \"L\", t); print t }", "", "-a-b-c-\nheLLo\n")]
    [InlineData("{ sub(/^/, \">\"); gsub(/o/, \"0\", $2); print }", "a foo\n", ">a f00\n")]
    public void Expressions_follow_awks_rules(string program, string stdin, string stdout) =>
        Assert.Equal((stdout, "", 0), Awk(stdin, program));

    [Theory]
    [InlineData("BEGIN { printf \"%5.2f|%-4d|%04d|%x|%o|%e|%c|%c|%s|%.2s|%%\\n\", 3.14159, 7, 42, 255, 8, 1234.5, 65, \"hello\", 12, \"abc\" }",
        " 3.14|7   |0042|ff|10|1.234500e+03|A|h|12|ab|%\n")]
    [InlineData("BEGIN { printf \"%*d|%-*s|%.*f\\n\", 4, 1, 3, \"a\", 1, 2.25 }", "   1|a  |2.2\n")]
    [InlineData("BEGIN { printf \"%.3d|%+d|% d|%5.1e|%G\\n\", 5, 3, 4, 12345.678, 0.00001 }", "005|+3| 4|1.2e+04|1E-05\n")]
    [InlineData("END { printf \"%s|%d|%5s|\\n\", u, u, u }", "|0|     |\n")]
    [InlineData("BEGIN { x = sprintf(\"%d items at %g\", \"3 cats\", 0.0001); print x }", "3 items at 0.0001\n")]
    public void Printf_formats_as_c_does(string program, string stdout) =>
        Assert.Equal((stdout, "", 0), Awk("", program));

    [Theory]
    [InlineData("function fill(a, n,   i) { for (i = 1; i <= n; i++) a[i] = i * i } BEGIN { fill(sq, 3); print sq[1], sq[2], sq[3], length(sq) }", "1 4 9 3\n")]
    [InlineData("function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) } BEGIN { print fact(10) }", "3628800\n")]
    [InlineData("function f(x) { x = 5 } BEGIN { y = 1; f(y); print y }", "1\n")]
    [InlineData("function g(a) { delete a; a[\"k\"] = 1 } BEGIN { b[1] = 1; g(b); for (k in b) print k }", "k\n")]
    [InlineData("function h(a, b) { return a + b } BEGIN { print h(1), h(1, 2) }", "1 3\n")]
    public void Functions_take_scalars_by_value_and_arrays_by_reference(string program, string stdout) =>
        Assert.Equal((stdout, "", 0), Awk("", program));

    [Fact]
    public void Getline_reads_files_and_the_main_input()
    {
        var program = "NR == 1 { while ((getline line < \"/f\") > 0) n++; print n, line; close(\"/f\"); getline x < \"/f\"; print x; " +
                      "getline; print \"now\", $0, NR; getline v; print v, NR; print (getline < \"/nosuch\") }";
        Assert.Equal(("3 three 3\none 1\nnow b 2\nc 3\n-1\n", "", 0), Awk("a\nb\nc\n", program));
    }

    [Fact]
    public void Print_redirection_writes_appends_and_closes_files()
    {
        var k = Kernel();
        var r = k.Run(new Awk(), "awk", "{ print $1 > \"/out\"; print $2 >> \"/app\" } END { close(\"/out\"); print \"again\" > \"/out\" }", "/f");
        Assert.Equal((0, "", ""), (r.ExitCode, r.Stdout, r.Stderr));
        Assert.Equal("again\n", k.ReadFile("/out"));
        Assert.Equal("1\n2\n3\n", k.ReadFile("/app"));
    }

    [Theory]
    [InlineData(new[] { "BEGIN { print \"b\"; exit 3; print \"no\" } END { print \"end\" }" }, "b\nend\n", "", 3)]
    [InlineData(new[] { "BEGIN { exit 4 } END { exit }" }, "", "", 4)]
    [InlineData(new[] { "{ print; exit } END { print \"end\", NR }", "/f" }, "one 1\nend 1\n", "", 0)]
    [InlineData(new[] { "NR == 1 { next } { print $1 }", "/f" }, "two\nthree\n", "", 0)]
    [InlineData(new[] { "/two/,/three/", "/f" }, "two 2\nthree 3\n", "", 0)]
    [InlineData(new[] { "-v", "x=a\\tb", "-F", "\\t", "BEGIN { print x } { print $2 }" }, "a\tb\nb\n", "", 0)]
    [InlineData(new[] { "{ print v, $1 }", "v=1", "/f", "v=2", "/f" }, "1 one\n1 two\n1 three\n2 one\n2 two\n2 three\n", "", 0)]
    [InlineData(new[] { "BEGIN { for (i = 0; i < ARGC; i++) printf \"%s \", ARGV[i]; print \"\" }", "x", "y" }, "awk x y \n", "", 0)]
    [InlineData(new[] { "BEGIN { print ENVIRON[\"HOME\"] }" }, "/home/u\n", "", 0)]
    [InlineData(new[] { "BEGIN { print 1" }, "", "awk: line 1: syntax error at or near end of file\n", 2)]
    [InlineData(new[] { "BEGIN { x = 1 +* 2 }" }, "", "awk: line 1: syntax error at or near *\n", 2)]
    [InlineData(new[] { "BEGIN { f() }" }, "", "awk: line 1: function f never defined\n", 2)]
    [InlineData(new[] { "BEGIN { break }" }, "", "awk: line 1: break statement outside of loop\n", 2)]
    [InlineData(new[] { "BEGIN { print 1 / 0 }" }, "", "awk: division by zero\n", 2)]
    [InlineData(new[] { "{ print }", "/nosuch" }, "", "awk: cannot open /nosuch (No such file or directory)\n", 2)]
    [InlineData(new[] { "-f", "/nosuch" }, "", "awk: couldn't open file /nosuch (No such file or directory)\n", 2)]
    [InlineData(new[] { "--version" }, "", "awk: unrecognized option '--version'\nTry 'awk --help' for more information.\n", 2)]
    [InlineData(new string[0], "", "", 2)]
    public void Control_flow_errors_and_statuses_are_mawks(string[] args, string stdout, string stderr, int status)
    {
        var (o, e, s) = Awk("a\tb\n", args);
        Assert.Equal((stdout, stderr, status), (o, args.Length == 0 ? "" : e, s));
    }

    [Theory]
    [InlineData("{ print ($0 ~ \"a+\"), ($1 ~ /[/]/), ($1 ~ \"^a/b$\") }", "a/b x\n", "1 1 1\n")]
    [InlineData("{ $3 = \"\"; print NF \":\" $0 \":\" }", "x y\n", "3:x y :\n")]
    [InlineData("BEGIN { x[\"a\"]; print length(x), ((1, 2) in x), (\"a\" in x) }", "", "1 0 1\n")]
    public void Regexes_fields_and_elements_come_into_being_as_in_mawk(string program, string stdin, string stdout) =>
        Assert.Equal((stdout, "", 0), Awk(stdin, program));

    [Fact]
    public void System_runs_the_command_through_sh_after_flushing_output()
    {
        var k = Kernel();
        foreach (var (name, program) in Builtins.All) k.AddProgram("/bin/" + name, program);
        var r = k.Run(new Awk(), "awk", "BEGIN { print \"before\"; r = system(\"echo hi; exit 3\"); print r }");
        Assert.Equal(("before\nhi\n3\n", "", 0), (r.Stdout, r.Stderr, r.ExitCode));
    }

    [Fact]
    public void A_program_file_is_read_with_f()
    {
        var k = Kernel();
        k.AddFile("/p.awk", "# count\n{ n += $2 }\nEND { print n }\n");
        var r = k.Run(new Awk(), "awk", "-f", "/p.awk", "/f");
        Assert.Equal(("6\n", "", 0), (r.Stdout, r.Stderr, r.ExitCode));
    }

    [Fact]
    public void Srand_returns_the_previous_seed_and_rand_repeats_for_a_seed()
    {
        var (o, e, s) = Awk("", "BEGIN { srand(7); a = rand(); b = rand(); print srand(7); print (rand() == a), (rand() == b), (a >= 0 && a < 1), (a != b) }");
        Assert.Equal(("7\n1 1 1 1\n", "", 0), (o, e, s));
    }

    [Fact]
    public void Srand_without_a_seed_takes_the_time()
    {
        var (o, e, s) = Awk("", "BEGIN { srand(); print (srand() > 1700000000) }");
        Assert.Equal(("1\n", "", 0), (o, e, s));
    }
}
