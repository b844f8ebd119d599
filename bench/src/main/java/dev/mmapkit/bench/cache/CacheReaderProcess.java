package dev.mmapkit.bench.cache;

import dev.mmapkit.cache.CacheConfig;
import dev.mmapkit.cache.SharedCache;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A reader process for the two-process scaling measurement. It attaches to a filled cache, reads
 * random keys for at least the warm-up time, prints {@code READY}, and keeps reading until the
 * parent writes {@code GO START END} (wall-clock milliseconds) on its stdin. It then counts the
 * hits between START and END and prints {@code HITS n CPU_MS m}, m being the CPU time its reading
 * thread got in the window (less than the window when the machine is busy with other work). The
 * parent gives every reader the same window, so JVM start-up, key building and warm-up of one
 * reader never fall inside another's measurement, and the readers' hits add up to the throughput of
 * the window.
 *
 * <pre>CacheReaderProcess FILE ENTRIES WARMUP_MILLIS SEED</pre>
 */
public final class CacheReaderProcess {
  private CacheReaderProcess() {}

  private static final int BATCH = 1024;

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    int entries = Integer.parseInt(args[1]);
    long warmupMillis = Long.parseLong(args[2]);
    byte[][] keys = CacheData.keys(entries);
    int[] order = CacheData.order(entries, Long.parseLong(args[3]));
    BufferedReader commands =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    try (SharedCache cache = SharedCache.open(path, CacheConfig.of(1 << 20, 1));
        Arena arena = Arena.ofConfined()) {
      Reader reader = new Reader(cache, keys, order, arena.allocate(CacheData.VALUE_BYTES));
      long warmEnd = System.currentTimeMillis() + warmupMillis;
      while (System.currentTimeMillis() < warmEnd) reader.batch();
      System.out.println("READY");
      System.out.flush();
      while (System.in.available() == 0) reader.batch(); // stay warm while the others get ready
      String[] go = commands.readLine().trim().split(" ");
      long start = Long.parseLong(go[1]);
      long end = Long.parseLong(go[2]);
      while (System.currentTimeMillis() < start) reader.batch();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long cpuBefore = threads.getCurrentThreadCpuTime();
      long hits = 0;
      while (System.currentTimeMillis() < end) hits += reader.batch();
      long cpuMillis = (threads.getCurrentThreadCpuTime() - cpuBefore) / 1_000_000;
      System.out.println("HITS " + hits + " CPU_MS " + cpuMillis);
    }
  }

  /** Reads keys in the seed's random order. */
  private static final class Reader {
    private final SharedCache cache;
    private final byte[][] keys;
    private final int[] order;
    private final MemorySegment buffer;
    private int next;

    Reader(SharedCache cache, byte[][] keys, int[] order, MemorySegment buffer) {
      this.cache = cache;
      this.keys = keys;
      this.order = order;
      this.buffer = buffer;
    }

    /** {@value #BATCH} gets; returns the hits. */
    int batch() {
      int hits = 0;
      for (int n = 0; n < BATCH; n++) {
        if (cache.get(keys[order[next]], buffer) >= 0) hits++;
        if (++next == order.length) next = 0;
      }
      return hits;
    }
  }
}
