// ssi runs on Linux: node processes are Unix processes, and the CLI forwards Unix signals.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
