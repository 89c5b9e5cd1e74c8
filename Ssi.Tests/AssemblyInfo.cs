// Multi-node and end-to-end tests time failure detection on 2 cores, so test classes run one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

// The end-to-end tests drive Linux processes (/proc, signals, file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
