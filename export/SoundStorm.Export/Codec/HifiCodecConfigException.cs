namespace SoundStorm.Export.Codec;

/// <summary>An AcademiCodec config json is unreadable, lacks a field, or describes a network the writers cannot build.</summary>
public sealed class HifiCodecConfigException : Exception
{
    /// <summary>Creates the exception with a message naming the file and the field.</summary>
    public HifiCodecConfigException(string message) : base(message) { }
}
