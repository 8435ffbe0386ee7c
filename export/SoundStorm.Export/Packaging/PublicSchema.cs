namespace SoundStorm.Export.Packaging;

// The package schema's types (src/SoundStorm.Onnx/Packages/Schema, linked into this assembly) are public here, for the
// tools that write packages; the runtime compiles the same files without these declarations, so there they are internal.
public sealed partial class ModelManifest;
public sealed partial class GraphEntry;
public sealed partial class GraphVariant;
public sealed partial class TensorSpec;
public readonly partial record struct TensorDimension;
public sealed partial class PackageFragment;
public static partial class GraphNames;
public static partial class ModelFamilies;
public static partial class GraphIndices;
