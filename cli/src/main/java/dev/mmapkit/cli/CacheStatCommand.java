package dev.mmapkit.cli;

import static dev.mmapkit.cli.Main.JSON_DECIMALS;

import dev.mmapkit.Bytes;
import dev.mmapkit.cache.CacheStats;
import dev.mmapkit.cache.SharedCache;
import dev.mmapkit.internal.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mmapkit cache stat FILE}: a cache's memory, entries and counters, read live through a
 * read-only mapping without attaching to the cache (like {@code opcache_get_status()}).
 */
@Command(name = "stat", description = "Show a shared cache's memory, entries and counters.")
final class CacheStatCommand implements Callable<Integer> {
  @Parameters(paramLabel = "FILE", description = "The cache file (e.g. /dev/shm/NAME).")
  Path file;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    InputFile.check(file);
    CacheStats s = SharedCache.readStats(file);
    PrintWriter out = spec.commandLine().getOut();
    if (json) out.println(Json.write(toJson(s), JSON_DECIMALS));
    else printTable(s, out);
    out.flush();
    return 0;
  }

  static Map<String, Object> toJson(CacheStats s) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("fileSize", s.fileSize());
    o.put("entryCapacity", s.entryCapacity());
    o.put("memoryUsed", s.memoryUsed());
    o.put("memoryWasted", s.memoryWasted());
    o.put("memoryFree", s.memoryFree());
    o.put("entries", s.entries());
    o.put("maxEntries", s.maxEntries());
    o.put("hits", s.hits());
    o.put("misses", s.misses());
    o.put("hitRate", s.hitRate());
    o.put("evictions", s.evictions());
    o.put("loads", s.loads());
    o.put("loadTimeNanos", s.loadTimeNanos());
    o.put("loadWaits", s.loadWaits());
    o.put("loadWaitTimeouts", s.loadWaitTimeouts());
    o.put("lockRecoveries", s.lockRecoveries());
    o.put("invalidations", s.invalidations());
    o.put("resets", s.resets());
    o.put("createdAt", s.createdAt().toString());
    o.put("creatorPid", s.creatorPid());
    o.put("attachedProcesses", s.attachedProcesses());
    return o;
  }

  private void printTable(CacheStats s, PrintWriter out) {
    Table t = new Table("STAT", "VALUE");
    t.row("file", file.toString());
    t.row("memory used", Bytes.format(s.memoryUsed()) + percentOf(s.memoryUsed(), s));
    t.row("memory wasted", Bytes.format(s.memoryWasted()) + percentOf(s.memoryWasted(), s));
    t.row("memory free", Bytes.format(s.memoryFree()) + percentOf(s.memoryFree(), s));
    t.row("file size", Bytes.format(s.fileSize()));
    t.row("entries", s.entries() + " of " + s.maxEntries());
    t.row("hits", Long.toString(s.hits()));
    t.row("misses", Long.toString(s.misses()));
    t.row("hit rate", String.format(Locale.ROOT, "%.2f%%", 100 * s.hitRate()));
    t.row("evictions", Long.toString(s.evictions()));
    t.row(
        "loads",
        s.loads() + String.format(Locale.ROOT, " (mean %.3f ms)", s.meanLoadNanos() / 1e6));
    t.row("waits on other loads", s.loadWaits() + " (" + s.loadWaitTimeouts() + " timed out)");
    t.row("lock recoveries", Long.toString(s.lockRecoveries()));
    t.row("invalidations", Long.toString(s.invalidations()));
    t.row("resets", Long.toString(s.resets()));
    t.row("created", s.createdAt() + " by pid " + s.creatorPid());
    t.row("attached processes", Integer.toString(s.attachedProcesses()));
    t.print(out);
  }

  private static String percentOf(long bytes, CacheStats s) {
    return String.format(
        Locale.ROOT, " (%.1f%% of entry capacity)", 100.0 * bytes / s.entryCapacity());
  }
}
