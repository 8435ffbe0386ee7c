using System.Net;

namespace Cluster;

/// <summary>What a silo needs to join the cluster and serve the model.</summary>
public sealed class SiloSettings
{
    /// <summary>The model package (folder or .zip) every silo loads; the same package on every silo.</summary>
    public required string PackagePath { get; init; }

    /// <summary>The Redis server that keeps the cluster's membership, e.g. <c>127.0.0.1:6379</c>.</summary>
    public required string Redis { get; init; }

    /// <summary>Silos and clients with the same cluster id form one cluster.</summary>
    public string ClusterId { get; init; } = "soundstorm";

    /// <summary>The address this silo listens on and advertises to the others (loopback by default).</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Port for silo-to-silo traffic.</summary>
    public int SiloPort { get; init; } = 11111;

    /// <summary>Port clients connect to.</summary>
    public int GatewayPort { get; init; } = 30000;

    /// <summary>Calls that generate at once; default one per core.</summary>
    public int Running { get; init; } = Environment.ProcessorCount;

    /// <summary>Calls that may wait for a free slot; more are refused with <see cref="SiloBusyException"/>.</summary>
    public int QueueLimit { get; init; } = 8;

    /// <summary>How the model runs; the same on every silo (see <see cref="SiloModel.ServingOptions"/>).</summary>
    public SoundStorm.Onnx.PipelineOptions Pipeline { get; init; } = SiloModel.ServingOptions();
}
