// The one data directory of a local cluster: run files, logs, pid files, secret and store all live under it.
namespace Ssi.Actors.Configuration;

public sealed record SsiHome(string Root)
{
    public const string EnvironmentVariable = "SSI_HOME";

    /// <summary>$SSI_HOME if set, else ~/.ssi.</summary>
    public static SsiHome FromEnvironment()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var root = string.IsNullOrWhiteSpace(fromEnv)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".ssi")
            : fromEnv;
        return new SsiHome(Path.GetFullPath(root));
    }

    public string SecretFile => Path.Combine(Root, "secret");
    public string TlsDir => Path.Combine(Root, "tls");
    public string LogDir => Path.Combine(Root, "logs");
    public string RunDir => Path.Combine(Root, "run");
    public string ClusterFile => Path.Combine(RunDir, "cluster.json");
    public string LockFile => Path.Combine(RunDir, "launcher.lock");

    public string NodeDir(int node) => Path.Combine(Root, "nodes", node.ToString(System.Globalization.CultureInfo.InvariantCulture));
    public string NodePidFile(int node) => Path.Combine(NodeDir(node), "node.pid");
    public string NodeConfigFile(int node) => Path.Combine(NodeDir(node), "node.conf");
    public string NodeLogFile(int node) => Path.Combine(LogDir, $"node-{node}.log");

    public void EnsureCreated()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(LogDir);
        Directory.CreateDirectory(RunDir);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
