// Build script of ssi: Restore -> Build -> Test, and Bench. Run: dotnet tool restore && dotnet cake --target=Test
using System.Xml.Linq;

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var benchArgs = Argument("bench-args", "boot");
var solution = "./ssi.slnx";
var results = "./.build/test-results";

Task("Clean")
    .Does(() =>
{
    CleanDirectories("./Ssi.*/bin/" + configuration);
    CleanDirectory(results);
});

Task("Restore")
    .Does(() =>
{
    DotNetRestore(solution);
});

Task("Build")
    .IsDependentOn("Restore")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration, NoRestore = true });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(results);
    try
    {
        DotNetTest(solution, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            NoRestore = true,
            ResultsDirectory = results,
            Loggers = { "trx;LogFileName=ssi.trx", "console;verbosity=normal" },
        });
    }
    finally
    {
        // One closing line that any reader of the log understands.
        // Failures are repeated here, after the node logs, because CI shows only the tail of the output.
        var passed = 0; var failed = 0; var skipped = 0;
        foreach (var trx in GetFiles(results + "/**/*.trx"))
        {
            var document = XDocument.Load(trx.FullPath);
            var counters = document.Descendants().First(e => e.Name.LocalName == "Counters");
            passed += (int)counters.Attribute("passed");
            failed += (int)counters.Attribute("failed");
            skipped += (int)counters.Attribute("notExecuted");
            foreach (var result in document.Descendants().Where(e => e.Name.LocalName == "UnitTestResult"
                && (string)e.Attribute("outcome") == "Failed"))
            {
                var message = result.Descendants().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value ?? "";
                var stack = result.Descendants().FirstOrDefault(e => e.Name.LocalName == "StackTrace")?.Value ?? "";
                Console.WriteLine($"FAILED {(string)result.Attribute("testName")} ({(string)result.Attribute("duration")})");
                foreach (var line in message.Split('\n').Take(15).Concat(stack.Split('\n').Take(12)))
                    Console.WriteLine("    " + line.TrimEnd());
            }
        }
        Console.WriteLine($"Tests: {passed} passed, {failed} failed, {skipped} skipped");
    }
});

Task("Bench")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetExecute($"./Ssi.Host/bin/{configuration}/net10.0/ssi.dll", "bench " + benchArgs);
});

RunTarget(target);
