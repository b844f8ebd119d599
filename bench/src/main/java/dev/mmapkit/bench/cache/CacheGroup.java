package dev.mmapkit.bench.cache;

import dev.mmapkit.bench.BenchGroup;
import dev.mmapkit.bench.BenchSettings;
import dev.mmapkit.bench.ChronicleFlags;
import dev.mmapkit.bench.Comparison;
import dev.mmapkit.cache.CacheStats;
import dev.mmapkit.cache.SharedCache;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The {@code cache} group: {@code SharedCache} hits and overwrites against {@code
 * ConcurrentHashMap}, Chronicle Map and lmdbjava (JMH), and, measured directly, whether 1M entries
 * fit in 1.25× their raw size, allocation per hit, and two reader processes against one.
 *
 * <p>The Redis row ({@code get-vs-redis-pipelined}) runs {@link RedisBenchmark} in a JMH run of its
 * own that does not fail the group: when {@code redis-server} is not on PATH (and {@code bench/run}
 * could not install it) or the benchmark fails, the row is reported as skipped, with the reason.
 */
public final class CacheGroup implements BenchGroup {
  private static final double NO_GOAL = Double.NaN;
  private static final int ENTRIES = 1_000_000;

  /** JVM flags the anchors need on JDK 25 (lmdbjava's opens are among Chronicle's). */
  static final List<String> ANCHOR_FLAGS = ChronicleFlags.JVM_ARGS;

  private final Map<String, String> findings = new LinkedHashMap<>();

  /** {@code redis-server --version}, when the Redis run was planned. */
  private String redisVersion;

  /** Why the Redis run was not planned, when it was not. */
  private String redisSkipped;

  @Override
  public String name() {
    return "cache";
  }

  @Override
  public List<Options> jmhRuns(boolean quick, BenchSettings settings) {
    List<String> jvmArgs = new ArrayList<>(settings.forkJvmArgs());
    // The anchors reach into the JDK (lmdbjava: direct buffers; Chronicle Map: much more, and it
    // sends usage analytics unless told not to). SharedCache itself needs none of this.
    jvmArgs.addAll(ANCHOR_FLAGS);
    List<Options> runs = new ArrayList<>();
    runs.add(
        new OptionsBuilder()
            .include(CacheBenchmark.class.getName())
            .include(LmdbBenchmark.class.getName())
            .include(ChronicleBenchmark.class.getName())
            .forks(1)
            .shouldFailOnError(true)
            .jvmArgs(jvmArgs.toArray(new String[0]))
            .param("entries", Integer.toString(ENTRIES))
            .warmupIterations(quick ? 1 : 2)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 1 : 5)
            .measurementTime(TimeValue.seconds(quick ? 1 : 2))
            .build());
    Optional<Path> redis = RedisServer.find();
    if (redis.isEmpty()) {
      redisSkipped =
          RedisServer.EXECUTABLE
              + " is not on PATH (bench/run installs Debian's package when it can)";
    } else {
      try {
        redisVersion = RedisServer.version(redis.get());
      } catch (Exception e) {
        redisSkipped = redis.get() + " --version failed: " + e;
      }
    }
    if (redisSkipped == null) {
      // A run of its own so that a server that will not start fails this row only. Jedis needs no
      // JVM flags, and the fork starts and stops the server (RedisBenchmark's set-up and
      // tear-down).
      runs.add(
          new OptionsBuilder()
              .include(RedisBenchmark.class.getName())
              .forks(1)
              .shouldFailOnError(false)
              .jvmArgs(settings.forkJvmArgs().toArray(new String[0]))
              .param("entries", Integer.toString(ENTRIES))
              .warmupIterations(quick ? 1 : 2)
              .warmupTime(TimeValue.seconds(1))
              .measurementIterations(quick ? 1 : 5)
              .measurementTime(TimeValue.seconds(quick ? 1 : 2))
              .build());
    }
    return runs;
  }

  @Override
  public List<Comparison> compare(Collection<RunResult> results) {
    Map<String, Double> scores = new LinkedHashMap<>();
    for (RunResult r : results) {
      String label = r.getParams().getBenchmark();
      scores.put(label.substring(label.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    List<Comparison> rows = new ArrayList<>();
    String data = "1M entries, 16 B key + 100 B value, random keys, 1 thread";
    if (scores.containsKey("sharedCacheGet")) {
      rows.add(
          Comparison.rate(
              "get-vs-chm",
              scores.get("sharedCacheGet") / 1e6,
              scores.get("chmGet") / 1e6,
              "M gets/s",
              0.5,
              data
                  + "; both copy the value into a caller buffer; the map is asked with an equal"
                  + " key object (its hash precomputed), not the stored one"));
      rows.add(
          Comparison.rate(
              "get-vs-chm-same-key-object",
              scores.get("sharedCacheGet") / 1e6,
              scores.get("chmGetSameKeyObject") / 1e6,
              "M gets/s",
              NO_GOAL,
              data + "; the map is asked with the stored key object, so it never reads key bytes"));
    }
    if (scores.containsKey("chronicleGet")) {
      rows.add(
          Comparison.rate(
              "get-vs-chronicle",
              scores.get("sharedCacheGet") / 1e6,
              scores.get("chronicleGet") / 1e6,
              "M gets/s",
              1.5,
              data + "; Chronicle Map 3.27ea0 persisted to /dev/shm, getUsing a reused array"));
      rows.add(
          Comparison.rate(
              "put-vs-chronicle",
              scores.get("sharedCachePut") / 1e6,
              scores.get("chroniclePut") / 1e6,
              "M puts/s",
              1.5,
              data + "; overwrite of an existing key"));
    }
    if (scores.containsKey("lmdbGet")) {
      rows.add(
          Comparison.rate(
              "get-vs-lmdb",
              scores.get("sharedCacheGet") / 1e6,
              scores.get("lmdbGet") / 1e6,
              "M gets/s",
              1.5,
              data + "; lmdbjava 0.9.1 in /dev/shm, one read txn renewed every 1024 gets"));
    }
    if (scores.containsKey("sharedCacheGet")) {
      rows.add(redisRow(scores, data));
    }
    if (scores.containsKey("sharedCachePut")) {
      rows.add(
          Comparison.rate(
              "put-vs-chm",
              scores.get("sharedCachePut") / 1e6,
              scores.get("chmPut") / 1e6,
              "M puts/s",
              NO_GOAL,
              data + "; overwrite of an existing key"));
    }
    return rows;
  }

  /** Our hits against Redis GETs pipelined by 100, or the row skipped with the reason. */
  private Comparison redisRow(Map<String, Double> scores, String data) {
    double ours = scores.get("sharedCacheGet") / 1e6;
    String name = "get-vs-redis-pipelined";
    String unit = "M gets/s";
    double goal = 10;
    if (redisSkipped != null) return Comparison.skipped(name, ours, unit, goal, redisSkipped);
    Double redis = scores.get("redisGetPipelined");
    if (redis == null) {
      return Comparison.skipped(
          name, ours, unit, goal, "the Redis benchmark failed (its JMH error is in the output)");
    }
    return Comparison.rate(
        name,
        ours,
        redis / 1e6,
        unit,
        goal,
        data
            + "; "
            + redisVersion.replaceFirst(" sha=.*", "")
            + " on 127.0.0.1 (--save '' --appendonly no), Jedis "
            + jedisVersion()
            + ", 1 connection, GETs pipelined by "
            + RedisBenchmark.PIPELINE);
  }

  /** The version of the Jedis client on the class path, from the properties file in its jar. */
  private static String jedisVersion() {
    Properties properties = new Properties();
    try (InputStream in =
        redis.clients.jedis.Jedis.class.getResourceAsStream(
            "/redis/clients/jedis/pom.properties")) {
      if (in != null) properties.load(in);
    } catch (IOException e) {
      // fall through to "?"
    }
    return properties.getProperty("version", "?");
  }

  @Override
  public Map<String, String> findings() {
    return findings;
  }

  @Override
  public List<Comparison> measureDirectly(boolean quick, BenchSettings settings) throws Exception {
    List<Comparison> rows = new ArrayList<>();
    Path path = Path.of("/dev/shm", "mmapkit-bench-direct-" + ProcessHandle.current().pid());
    long smallest = smallestBudget(path);
    rows.add(
        Comparison.cost(
            "memory-1m-entries",
            smallest / 1e6,
            CacheData.rawBytes(ENTRIES) / 1e6,
            "MB",
            0.8,
            "smallest file (1 MB steps) holding all 1M entries with no eviction; anchor: raw key +"
                + " value bytes (goal: file ≤ 1.25× raw)"));
    try (SharedCache cache = CacheData.filledCache(path, ENTRIES)) {
      CacheStats stats = cache.stats();
      findings.put(
          "fill-at-1.25x-raw",
          stats.entries()
              + " entries, "
              + stats.evictions()
              + " evictions in a "
              + stats.fileSize()
              + "-byte file");
      findings.put("allocation-per-hit", allocationPerHit(cache));
      rows.add(twoProcessScaling(path, quick));
    } finally {
      Files.deleteIfExists(path);
    }
    return rows;
  }

  /** The smallest budget, in whole MB, at which all entries fit without eviction. */
  private static long smallestBudget(Path path) throws Exception {
    long low = CacheData.rawBytes(ENTRIES) / 1_000_000; // cannot fit
    long high = CacheData.budget(ENTRIES) / 1_000_000 + 1;
    while (high - low > 1) {
      long mid = (low + high) / 2;
      boolean fits;
      try (SharedCache cache = CacheData.filledCache(path, ENTRIES, mid * 1_000_000)) {
        fits = cache.stats().evictions() == 0 && cache.stats().entries() == ENTRIES;
      } catch (IllegalArgumentException e) {
        fits = false; // too small for the index
      }
      if (fits) high = mid;
      else low = mid;
    }
    return high * 1_000_000;
  }

  /** Bytes this thread allocates over many hits into a reused buffer, per hit. */
  private static String allocationPerHit(SharedCache cache) {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[][] keys = CacheData.keys(ENTRIES);
    int[] order = CacheData.order(ENTRIES, 7);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment buffer = arena.allocate(CacheData.VALUE_BYTES);
      long hits = 0;
      for (int round = 0; round < 3; round++) { // warm-up: let C2 compile the read path
        for (int i : order) if (cache.get(keys[i], buffer) >= 0) hits++;
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      int gets = 5 * ENTRIES;
      for (int n = 0; n < gets; n++) {
        if (cache.get(keys[order[n % ENTRIES]], buffer) >= 0) hits++;
      }
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      return String.format(
          "%.4f bytes per hit (%d bytes over %d gets; %d hits in all)",
          (double) allocated / gets, allocated, gets, hits);
    }
  }

  /**
   * Hits per second of two reader processes at once against one alone, run 1, 2, 1 so that drift of
   * the machine shows as the spread of the two single runs: the ratio is the two-reader sum over
   * the mean of the single runs.
   */
  private static Comparison twoProcessScaling(Path path, boolean quick) throws Exception {
    long measureMillis = quick ? 2000 : 5000;
    double[] before = readers(path, 1, measureMillis);
    double[] two = readers(path, 2, measureMillis);
    double[] after = readers(path, 1, measureMillis);
    double one = (before[0] + after[0]) / 2;
    double spread = Math.abs(before[0] - after[0]) / one;
    return Comparison.rate(
        "get-2proc-scaling",
        two[0] / 1e6,
        one / 1e6,
        "M gets/s",
        1.8,
        String.format(
            "two reader JVMs at once (sum) vs the mean of one alone before and after (1/2/1), warmed,"
                + " counted over the same wall-clock window; one alone: %.2f then %.2f M gets/s"
                + " (spread %.0f %% of the mean); %d CPUs on this machine; CPU time the reading"
                + " threads got in the window: one %.2f then %.2f CPUs, two %.2f CPUs (less than 1"
                + " and 2 when other work shares the machine)",
            before[0] / 1e6,
            after[0] / 1e6,
            spread * 100,
            Runtime.getRuntime().availableProcessors(),
            before[1],
            after[1],
            two[1]));
  }

  /**
   * Starts {@code count} reader JVMs, waits until every one is warm, then gives them all the same
   * measurement window; returns their hits per second over it, summed, and the CPUs their reading
   * threads got over it, summed.
   */
  private static double[] readers(Path path, int count, long measureMillis) throws Exception {
    List<Process> processes = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        processes.add(
            new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    CacheReaderProcess.class.getName(),
                    path.toString(),
                    Integer.toString(ENTRIES),
                    "3000",
                    Integer.toString(100 + i))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start());
      }
      List<java.io.BufferedReader> outputs = new ArrayList<>();
      for (Process p : processes) {
        java.io.BufferedReader out =
            new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine();
        if (!"READY".equals(line)) {
          throw new IllegalStateException("reader process failed before READY: " + line);
        }
        outputs.add(out);
      }
      long start = System.currentTimeMillis() + 200;
      long end = start + measureMillis;
      for (Process p : processes) {
        p.getOutputStream()
            .write(("GO " + start + " " + end + "\n").getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
      }
      double total = 0, cpus = 0;
      for (int i = 0; i < processes.size(); i++) {
        String line = outputs.get(i).readLine();
        if (processes.get(i).waitFor() != 0 || line == null || !line.startsWith("HITS ")) {
          throw new IllegalStateException("reader process failed: " + line);
        }
        String[] fields = line.split(" "); // HITS n CPU_MS m
        total += Long.parseLong(fields[1]) / (measureMillis / 1000.0);
        cpus += Long.parseLong(fields[3]) / (double) measureMillis;
      }
      return new double[] {total, cpus};
    } finally {
      for (Process p : processes) p.destroyForcibly();
    }
  }
}
