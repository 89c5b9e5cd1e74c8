// Multi-node and end-to-end tests time failure detection on 2 cores, so test classes run one at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
