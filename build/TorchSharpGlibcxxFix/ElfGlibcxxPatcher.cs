// Makes copies of TorchSharp's native libraries load on systems whose libstdc++ predates GCC 13 (no GLIBCXX_3.4.32,
// e.g. Debian 12). libLibTorchSharp.so 0.107 asks for that version for one symbol only, std::ios_base_library_init(),
// which GCC 13's <iostream> references without calling. Two edits, both in place (no section grows):
//   1. the .gnu.version_r entry for GLIBCXX_3.4.32 gets VER_FLG_WEAK, so the loader tolerates its absence;
//   2. belt and braces: a DT_NEEDED entry naming a tiny shim library that defines the symbol as a no-op. Its name is
//      written into the RUNPATH string's bytes after the first ($ORIGIN) entry; the dropped entries are the
//      library's build-server paths.
// Used as the source of an MSBuild inline task (RoslynCodeTaskFactory; see TorchSharpGlibcxxFix.targets) and compiled
// into the trainer tests with TORCHSHARP_GLIBCXX_FIX_NO_TASK defined.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SoundStorm.Build.GlibcxxFix
{
    /// <summary>One byte-range overwrite of an ELF file.</summary>
    public sealed class ElfEdit
    {
        public ElfEdit(long offset, byte[] data) { Offset = offset; Data = data; }
        public long Offset { get; }
        public byte[] Data { get; }
    }

    /// <summary>One version a shared object requires (.gnu.version_r auxiliary entry).</summary>
    public sealed class ElfVersionNeed
    {
        public ElfVersionNeed(string file, string name, ushort flags, ushort index, long flagsOffset)
        { File = file; Name = name; Flags = flags; Index = index; FlagsOffset = flagsOffset; }
        public string File { get; }
        public string Name { get; }
        public ushort Flags { get; }
        public ushort Index { get; }
        public long FlagsOffset { get; }
        public bool IsWeak => (Flags & ElfFile.VerFlgWeak) != 0;
    }

    /// <summary>Minimal read-only view of a 64-bit little-endian ELF file: just what the patch needs.</summary>
    public sealed class ElfFile
    {
        public const ushort VerFlgWeak = 0x2;
        const uint ShtDynamic = 6, ShtDynsym = 11, ShtVerdef = 0x6ffffffd, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;
        public const long DtNull = 0, DtNeeded = 1, DtRpath = 15, DtRunpath = 29;
        static readonly long[] StringValuedTags = { 1, 14, 15, 29, 0x7ffffffd, 0x7fffffff, 0x6ffffefa, 0x6ffffefb, 0x6ffffefc };

        sealed class Section
        {
            public uint Type; public long Offset, Size, EntSize; public int Link; public uint Info;
        }

        readonly Stream _stream;
        readonly List<Section> _sections = new List<Section>();

        public ElfFile(Stream stream)
        {
            _stream = stream;
            byte[] ident = Read(0, 64);
            if (ident[0] != 0x7f || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file (bad magic)");
            if (ident[4] != 2 || ident[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF is supported");
            Machine = BitConverter.ToUInt16(ident, 0x12);
            long shoff = (long)BitConverter.ToUInt64(ident, 0x28);
            int shentsize = BitConverter.ToUInt16(ident, 0x3A), shnum = BitConverter.ToUInt16(ident, 0x3C);
            byte[] table = Read(shoff, shentsize * shnum);
            for (int i = 0; i < shnum; i++)
            {
                int b = i * shentsize;
                _sections.Add(new Section
                {
                    Type = BitConverter.ToUInt32(table, b + 4),
                    Offset = (long)BitConverter.ToUInt64(table, b + 0x18),
                    Size = (long)BitConverter.ToUInt64(table, b + 0x20),
                    Link = (int)BitConverter.ToUInt32(table, b + 0x28),
                    Info = BitConverter.ToUInt32(table, b + 0x2C),
                    EntSize = (long)BitConverter.ToUInt64(table, b + 0x38),
                });
            }
        }

        /// <summary>e_machine (62 = x86-64, 183 = AArch64).</summary>
        public ushort Machine { get; }

        byte[] Read(long offset, long count)
        {
            var buffer = new byte[count];
            _stream.Position = offset;
            int done = 0;
            while (done < count)
            {
                int n = _stream.Read(buffer, done, (int)count - done);
                if (n <= 0) throw new InvalidDataException("ELF file is truncated");
                done += n;
            }
            return buffer;
        }

        Section? Find(uint type) => _sections.Find(s => s.Type == type);

        byte[] SectionBytes(Section s) => Read(s.Offset, s.Size);

        static string CString(byte[] table, long offset)
        {
            long end = offset;
            while (table[end] != 0) end++;
            return Encoding.ASCII.GetString(table, (int)offset, (int)(end - offset));
        }

        /// <summary>Every required version (.gnu.version_r), in file order.</summary>
        public List<ElfVersionNeed> VersionNeeds()
        {
            var result = new List<ElfVersionNeed>();
            Section? vn = Find(ShtVerneed);
            if (vn == null) return result;
            byte[] data = SectionBytes(vn), strings = SectionBytes(_sections[vn.Link]);
            long at = 0;
            for (uint i = 0; i < vn.Info; i++)
            {
                int count = BitConverter.ToUInt16(data, (int)at + 2);
                string file = CString(strings, BitConverter.ToUInt32(data, (int)at + 4));
                long aux = at + BitConverter.ToUInt32(data, (int)at + 8);
                for (int k = 0; k < count; k++)
                {
                    ushort flags = BitConverter.ToUInt16(data, (int)aux + 4);
                    ushort index = BitConverter.ToUInt16(data, (int)aux + 6);
                    string name = CString(strings, BitConverter.ToUInt32(data, (int)aux + 8));
                    result.Add(new ElfVersionNeed(file, name, flags, index, vn.Offset + aux + 4));
                    aux += BitConverter.ToUInt32(data, (int)aux + 12);
                }
                uint next = BitConverter.ToUInt32(data, (int)at + 12);
                if (next == 0) break;
                at += next;
            }
            return result;
        }

        /// <summary>Every version this object defines (.gnu.version_d), e.g. GLIBCXX_3.4.30 for libstdc++.</summary>
        public HashSet<string> VersionDefinitions()
        {
            var result = new HashSet<string>(StringComparer.Ordinal);
            Section? vd = Find(ShtVerdef);
            if (vd == null) return result;
            byte[] data = SectionBytes(vd), strings = SectionBytes(_sections[vd.Link]);
            long at = 0;
            for (uint i = 0; i < vd.Info; i++)
            {
                long aux = at + BitConverter.ToUInt32(data, (int)at + 12);
                result.Add(CString(strings, BitConverter.ToUInt32(data, (int)aux)));
                uint next = BitConverter.ToUInt32(data, (int)at + 16);
                if (next == 0) break;
                at += next;
            }
            return result;
        }

        /// <summary>Names of the dynamic symbols bound to a version index (via .gnu.version).</summary>
        public List<string> SymbolsWithVersionIndex(ushort index)
        {
            var result = new List<string>();
            Section? sym = Find(ShtDynsym), versym = Find(ShtVersym);
            if (sym == null || versym == null) return result;
            byte[] syms = SectionBytes(sym), vers = SectionBytes(versym), strings = SectionBytes(_sections[sym.Link]);
            long count = sym.Size / 24;
            for (long i = 0; i < count; i++)
                if ((BitConverter.ToUInt16(vers, (int)(i * 2)) & 0x7fff) == index)
                    result.Add(CString(strings, BitConverter.ToUInt32(syms, (int)(i * 24))));
            return result;
        }

        /// <summary>The dynamic section as (tag, value) pairs, including the trailing DT_NULL slots.</summary>
        public List<KeyValuePair<long, ulong>> DynamicEntries()
        {
            var result = new List<KeyValuePair<long, ulong>>();
            Section? dyn = Find(ShtDynamic);
            if (dyn == null) return result;
            byte[] data = SectionBytes(dyn);
            for (int i = 0; i + 16 <= data.Length; i += 16)
                result.Add(new KeyValuePair<long, ulong>(BitConverter.ToInt64(data, i), BitConverter.ToUInt64(data, i + 8)));
            return result;
        }

        /// <summary>Strings of DT_NEEDED entries, in order.</summary>
        public List<string> Needed()
        {
            var result = new List<string>();
            byte[] strings = DynamicStrings(out _);
            foreach (var e in DynamicEntries())
                if (e.Key == DtNeeded) result.Add(CString(strings, (long)e.Value));
            return result;
        }

        /// <summary>DT_RUNPATH (or DT_RPATH) string, or null.</summary>
        public string? RunPath()
        {
            byte[] strings = DynamicStrings(out _);
            foreach (var e in DynamicEntries())
                if (e.Key == DtRunpath || e.Key == DtRpath) return CString(strings, (long)e.Value);
            return null;
        }

        byte[] DynamicStrings(out long fileOffset)
        {
            Section? dyn = Find(ShtDynamic);
            if (dyn == null) { fileOffset = 0; return new byte[0]; }
            Section s = _sections[dyn.Link];
            fileOffset = s.Offset;
            return SectionBytes(s);
        }

        /// <summary>Every offset into .dynstr that something refers to (symbols, versions, dynamic entries).</summary>
        List<long> DynamicStringReferences(out List<long> fromRunPath)
        {
            var refs = new List<long>();
            fromRunPath = new List<long>();
            Section? sym = Find(ShtDynsym);
            if (sym != null)
            {
                byte[] syms = SectionBytes(sym);
                for (long i = 0; i < sym.Size / 24; i++) refs.Add(BitConverter.ToUInt32(syms, (int)(i * 24)));
            }
            Section? vn = Find(ShtVerneed);
            if (vn != null)
            {
                byte[] data = SectionBytes(vn);
                long at = 0;
                for (uint i = 0; i < vn.Info; i++)
                {
                    refs.Add(BitConverter.ToUInt32(data, (int)at + 4));
                    long aux = at + BitConverter.ToUInt32(data, (int)at + 8);
                    for (int k = 0; k < BitConverter.ToUInt16(data, (int)at + 2); k++)
                    {
                        refs.Add(BitConverter.ToUInt32(data, (int)aux + 8));
                        aux += BitConverter.ToUInt32(data, (int)aux + 12);
                    }
                    uint next = BitConverter.ToUInt32(data, (int)at + 12);
                    if (next == 0) break;
                    at += next;
                }
            }
            Section? vd = Find(ShtVerdef);
            if (vd != null)
            {
                byte[] data = SectionBytes(vd);
                long at = 0;
                for (uint i = 0; i < vd.Info; i++)
                {
                    long aux = at + BitConverter.ToUInt32(data, (int)at + 12);
                    for (int k = 0; k < BitConverter.ToUInt16(data, (int)at + 6); k++)
                    {
                        refs.Add(BitConverter.ToUInt32(data, (int)aux));
                        aux += BitConverter.ToUInt32(data, (int)aux + 4);
                    }
                    uint next = BitConverter.ToUInt32(data, (int)at + 16);
                    if (next == 0) break;
                    at += next;
                }
            }
            foreach (var e in DynamicEntries())
            {
                if (Array.IndexOf(StringValuedTags, e.Key) < 0) continue;
                if (e.Key == DtRunpath || e.Key == DtRpath) fromRunPath.Add((long)e.Value);
                else refs.Add((long)e.Value);
            }
            return refs;
        }

        /// <summary>
        /// Plans the edits that add a DT_NEEDED entry for <paramref name="library"/> after the existing ones. Returns
        /// null with a reason when it cannot be done in place.
        /// </summary>
        public List<ElfEdit>? PlanAddNeeded(string library, out string reason)
        {
            reason = "";
            var edits = new List<ElfEdit>();
            Section dyn = Find(ShtDynamic) ?? throw new InvalidDataException("no .dynamic section");
            List<KeyValuePair<long, ulong>> entries = DynamicEntries();
            int firstNull = entries.FindIndex(e => e.Key == DtNull);
            if (firstNull < 0 || firstNull + 1 >= entries.Count)
            { reason = "no spare DT_NULL slot in .dynamic"; return null; }
            int runPathIndex = entries.FindIndex(e => e.Key == DtRunpath || e.Key == DtRpath);
            if (runPathIndex < 0) { reason = "no RUNPATH string to reuse"; return null; }

            byte[] strings = DynamicStrings(out long stringsOffset);
            long runPath = (long)entries[runPathIndex].Value;
            string runPathText = CString(strings, runPath);
            string first = runPathText.Split(':')[0];
            if (!first.StartsWith("$ORIGIN", StringComparison.Ordinal))
            { reason = $"RUNPATH '{runPathText}' does not start with $ORIGIN"; return null; }
            long freeStart = runPath + first.Length;          // becomes the RUNPATH's terminating NUL
            long freeEnd = runPath + runPathText.Length;      // the old terminating NUL (inclusive)
            byte[] name = Encoding.ASCII.GetBytes(library);
            if (freeEnd - freeStart < name.Length + 1)
            { reason = "RUNPATH tail too short for the library name"; return null; }
            List<long> otherRefs = DynamicStringReferences(out List<long> runPathRefs);
            foreach (long r in otherRefs)
                if (r > runPath && r <= freeEnd)
                { reason = "another string shares the RUNPATH bytes"; return null; }
            foreach (long r in runPathRefs)
                if (r != runPath) { reason = "more than one RUNPATH string"; return null; }

            // Terminate RUNPATH after its first entry, write the name, zero the rest of the old tail.
            var tail = new byte[freeEnd - freeStart + 1];
            Array.Copy(name, 0, tail, 1, name.Length);
            edits.Add(new ElfEdit(stringsOffset + freeStart, tail));

            // Insert the DT_NEEDED after the last one, shifting the following entries into the first DT_NULL slot.
            int insertAt = entries.FindLastIndex(firstNull, e => e.Key == DtNeeded) + 1;
            var shifted = new List<KeyValuePair<long, ulong>>(entries.GetRange(0, firstNull));
            shifted.Insert(insertAt, new KeyValuePair<long, ulong>(DtNeeded, (ulong)(freeStart + 1)));
            var block = new byte[(shifted.Count - insertAt) * 16];
            for (int i = insertAt; i < shifted.Count; i++)
            {
                BitConverter.GetBytes(shifted[i].Key).CopyTo(block, (i - insertAt) * 16);
                BitConverter.GetBytes(shifted[i].Value).CopyTo(block, (i - insertAt) * 16 + 8);
            }
            edits.Add(new ElfEdit(dyn.Offset + insertAt * 16L, block));
            return edits;
        }

        /// <summary>Applies edits to a writable stream.</summary>
        public static void Apply(Stream stream, IEnumerable<ElfEdit> edits)
        {
            foreach (ElfEdit e in edits)
            {
                stream.Position = e.Offset;
                stream.Write(e.Data, 0, e.Data.Length);
            }
        }
    }

    /// <summary>The GLIBCXX_3.4.32 fix as a plan over one file: what to change, or why nothing.</summary>
    public static class GlibcxxFixPlanner
    {
        public const string MissingVersion = "GLIBCXX_3.4.32";
        public const string LibStdCxx = "libstdc++.so.6";
        /// <summary>The only symbols known to be bound to GLIBCXX_3.4.32 by TorchSharp builds.</summary>
        public static readonly string[] ToleratedSymbols = { "_ZSt21ios_base_library_initv" };

        /// <summary>Edits for one library; empty when already patched or not affected. Throws when unsafe.</summary>
        public static List<ElfEdit> Plan(ElfFile elf, string? shimName, List<string> log)
        {
            var edits = new List<ElfEdit>();
            ElfVersionNeed? need = elf.VersionNeeds().Find(v => v.File == LibStdCxx && v.Name == MissingVersion);
            if (need == null) return edits;
            List<string> symbols = elf.SymbolsWithVersionIndex(need.Index);
            foreach (string s in symbols)
                if (Array.IndexOf(ToleratedSymbols, s) < 0)
                    throw new InvalidDataException(
                        $"{MissingVersion} is needed for symbol '{s}', which has no no-op stand-in; refusing to mark it weak");
            if (!need.IsWeak)
            {
                edits.Add(new ElfEdit(need.FlagsOffset, BitConverter.GetBytes((ushort)(need.Flags | ElfFile.VerFlgWeak))));
                log.Add($"marked {MissingVersion} weak");
            }
            if (shimName != null && !elf.Needed().Contains(shimName))
            {
                List<ElfEdit>? added = elf.PlanAddNeeded(shimName, out string reason);
                if (added == null) log.Add($"did not add DT_NEEDED {shimName}: {reason}");
                else { edits.AddRange(added); log.Add($"added DT_NEEDED {shimName}"); }
            }
            return edits;
        }

        /// <summary>Whether a libstdc++ file defines the version.</summary>
        public static bool Defines(string libstdcxxPath, string version)
        {
            using var s = File.OpenRead(libstdcxxPath);
            return new ElfFile(s).VersionDefinitions().Contains(version);
        }

        /// <summary>The libstdc++.so.6 the loader would most likely pick (LD_LIBRARY_PATH, then system dirs).</summary>
        public static string? FindSystemLibStdCxx(ushort machine)
        {
            var dirs = new List<string>();
            string? ld = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ld)) dirs.AddRange(ld!.Split(':'));
            dirs.AddRange(new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" });
            foreach (string d in dirs)
            {
                if (d.Length == 0) continue;
                string p = Path.Combine(d, LibStdCxx);
                if (!File.Exists(p)) continue;
                try
                {
                    using var s = File.OpenRead(p);
                    if (new ElfFile(s).Machine == machine) return p;
                }
                catch (InvalidDataException) { }
            }
            return null;
        }

        /// <summary>
        /// Patches one file: edits are written to a fresh copy that then replaces the file, so a hard link or
        /// symbolic link into the NuGet cache is never written through.
        /// </summary>
        public static bool PatchFile(string path, string? shimName, List<string> log)
        {
            List<ElfEdit> edits;
            using (var s = File.OpenRead(path)) edits = Plan(new ElfFile(s), shimName, log);
            if (edits.Count == 0) return false;
            string temp = path + ".glibcxxfix.tmp";
            File.Copy(path, temp, true);
            using (var s = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite)) ElfFile.Apply(s, edits);
            File.Delete(path);
            File.Move(temp, path);
            return true;
        }
    }
}

#if !TORCHSHARP_GLIBCXX_FIX_NO_TASK
/// <summary>MSBuild task: patches the copies of TorchSharp's native libraries in an output folder.</summary>
public class TorchSharpGlibcxxFix : Microsoft.Build.Utilities.Task
{
    /// <summary>Native libraries in the output folder (copies, never the NuGet cache).</summary>
    [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Libraries { get; set; } = System.Array.Empty<Microsoft.Build.Framework.ITaskItem>();
    /// <summary>Compiled no-op shim (may be empty: then only the weak flag is set).</summary>
    public string ShimPath { get; set; } = "";
    /// <summary>Folder that must never be written (the NuGet package root).</summary>
    public string ProtectedRoot { get; set; } = "";
    /// <summary>auto: only when the system libstdc++ lacks GLIBCXX_3.4.32; always; never.</summary>
    public string Mode { get; set; } = "auto";
    /// <summary>Files written (shim copies), for incremental clean.</summary>
    [Microsoft.Build.Framework.Output] public Microsoft.Build.Framework.ITaskItem[] Written { get; set; } = System.Array.Empty<Microsoft.Build.Framework.ITaskItem>();

    public override bool Execute()
    {
        var written = new System.Collections.Generic.List<Microsoft.Build.Framework.ITaskItem>();
        if (string.Equals(Mode, "never", System.StringComparison.OrdinalIgnoreCase)) return true;
        string protectedRoot = ProtectedRoot.Length == 0 ? "" : System.IO.Path.GetFullPath(ProtectedRoot);
        foreach (var item in Libraries)
        {
            string path = System.IO.Path.GetFullPath(item.ItemSpec);
            if (!System.IO.File.Exists(path)) continue;
            if (protectedRoot.Length > 0 && path.StartsWith(protectedRoot, System.StringComparison.Ordinal))
            {
                Log.LogError($"TorchSharpGlibcxxFix: refusing to patch '{path}' inside '{protectedRoot}'");
                return false;
            }
            try
            {
                ushort machine;
                bool affected;
                using (var s = System.IO.File.OpenRead(path))
                {
                    var elf = new SoundStorm.Build.GlibcxxFix.ElfFile(s);
                    machine = elf.Machine;
                    affected = elf.VersionNeeds().Exists(v => v.Name == SoundStorm.Build.GlibcxxFix.GlibcxxFixPlanner.MissingVersion);
                }
                if (!affected) continue;
                if (!string.Equals(Mode, "always", System.StringComparison.OrdinalIgnoreCase))
                {
                    string? system = SoundStorm.Build.GlibcxxFix.GlibcxxFixPlanner.FindSystemLibStdCxx(machine);
                    if (system != null && SoundStorm.Build.GlibcxxFix.GlibcxxFixPlanner.Defines(system, SoundStorm.Build.GlibcxxFix.GlibcxxFixPlanner.MissingVersion))
                    {
                        Log.LogMessage($"TorchSharpGlibcxxFix: {system} defines the version; '{path}' left as is");
                        continue;
                    }
                }
                string? shimName = null;
                if (ShimPath.Length > 0 && System.IO.File.Exists(ShimPath))
                {
                    shimName = System.IO.Path.GetFileName(ShimPath);
                    string target = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, shimName);
                    System.IO.File.Copy(ShimPath, target, true);
                    written.Add(new Microsoft.Build.Utilities.TaskItem(target));
                }
                var log = new System.Collections.Generic.List<string>();
                bool changed = SoundStorm.Build.GlibcxxFix.GlibcxxFixPlanner.PatchFile(path, shimName, log);
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal,
                    $"TorchSharpGlibcxxFix: {path}: {(changed ? string.Join("; ", log) : "already patched")}");
            }
            catch (System.IO.InvalidDataException e)
            {
                Log.LogWarning($"TorchSharpGlibcxxFix: '{path}' not patched: {e.Message}");
            }
        }
        Written = written.ToArray();
        return !Log.HasLoggedErrors;
    }
}
#endif
