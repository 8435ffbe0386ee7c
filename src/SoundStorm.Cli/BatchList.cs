namespace SoundStorm.Cli;

/// <summary>
/// A tab-separated list of jobs for the batch form of a verb (<c>--list FILE</c>): one job per line, columns as the verb
/// names them; blank lines and lines starting with '#' are skipped; relative paths are taken from the current folder.
/// One process then loads the model once for all jobs.
/// </summary>
internal static class BatchList
{
    /// <summary>The rows of <paramref name="file"/>, each with exactly <paramref name="columns"/> fields (an empty field is allowed).</summary>
    public static IReadOnlyList<string[]> Read(FileInfo file, params string[] columns)
    {
        if (!file.Exists) throw new CliException($"List file '{file.FullName}' does not exist.");
        var rows = new List<string[]>();
        int lineNumber = 0;
        foreach (string line in File.ReadLines(file.FullName))
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string[] fields = line.TrimEnd('\r').Split('\t');
            if (fields.Length != columns.Length)
                throw new CliException($"List file '{file.FullName}', line {lineNumber}: expected {columns.Length} tab-separated fields ({string.Join(", ", columns)}), found {fields.Length}.");
            rows.Add(fields);
        }
        if (rows.Count == 0) throw new CliException($"List file '{file.FullName}' holds no jobs.");
        return rows;
    }

    /// <summary>Runs every job; a job that fails on bad input is reported on stderr and the rest go on. Exit code 2 if any failed.</summary>
    public static async Task<int> RunAllAsync(IReadOnlyList<string[]> rows, Func<string[], Task<string>> job)
    {
        int failed = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            try
            {
                Console.WriteLine($"[{i + 1}/{rows.Count}] {await job(rows[i]).ConfigureAwait(false)}");
            }
            catch (Exception e) when (CliErrors.IsUserError(e))
            {
                failed++;
                Console.Error.WriteLine($"error: [{i + 1}/{rows.Count}] {string.Join(" ", rows[i])}: {CliErrors.MessageOf(e)}");
            }
        }
        if (failed > 0) Console.Error.WriteLine($"error: {failed} of {rows.Count} jobs failed.");
        return failed > 0 ? 2 : 0;
    }
}
