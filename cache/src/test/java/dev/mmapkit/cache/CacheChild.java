package dev.mmapkit.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/** The child JVM of the multi-process tests: one mode per test, results on stdout. */
public final class CacheChild {
  private CacheChild() {}

  static final CacheConfig CONFIG =
      CacheConfig.of(8 << 20, 20_000).withMaxValueSize(4096).withSegments(4);

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[1]);
    if (args[0].equals("open")) {
      try (SharedCache cache = SharedCache.open(path, CONFIG)) {
        System.out.println("OPENED " + cache.config().memoryBudget());
      } catch (IOException e) {
        System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      return;
    }
    try (SharedCache cache = SharedCache.open(path, CONFIG)) {
      switch (args[0]) {
        case "put" -> put(cache, args);
        case "check" -> check(cache, args);
        case "compute" -> compute(cache, args);
        case "writeLoop" -> writeLoop(cache, args);
        case "holdLock" -> holdLock(cache, args);
        case "tornWrite" -> tornWrite(cache, args);
        default -> throw new IllegalArgumentException(args[0]);
      }
    }
  }

  private static void put(SharedCache cache, String[] args) {
    int from = Integer.parseInt(args[2]), to = Integer.parseInt(args[3]);
    int round = Integer.parseInt(args[4]), length = Integer.parseInt(args[5]);
    for (int i = from; i < to; i++)
      cache.put(TestValues.key(i), TestValues.value(i, round, length));
    System.out.println("DONE");
  }

  private static void check(SharedCache cache, String[] args) {
    int from = Integer.parseInt(args[2]), to = Integer.parseInt(args[3]);
    int hits = 0, torn = 0;
    for (int i = from; i < to; i++) {
      byte[] v = cache.get(TestValues.key(i));
      if (v == null) continue;
      hits++;
      if (!TestValues.isWhole(i, v)) torn++;
    }
    System.out.println("HITS " + hits + " TORN " + torn);
  }

  /** computeIfAbsent over keys; every loader run appends a line to the count file. */
  private static void compute(SharedCache cache, String[] args) throws IOException {
    int from = Integer.parseInt(args[2]), to = Integer.parseInt(args[3]);
    Path loads = Path.of(args[4]);
    long startAt = Long.parseLong(args[5]);
    while (System.currentTimeMillis() < startAt) Thread.onSpinWait();
    int ok = 0;
    for (int i = from; i < to; i++) {
      int k = i;
      byte[] v =
          cache.computeIfAbsent(
              TestValues.key(i),
              key -> {
                try {
                  Files.writeString(
                      loads,
                      "load " + k + " by " + ProcessHandle.current().pid() + "\n",
                      StandardCharsets.US_ASCII,
                      StandardOpenOption.APPEND,
                      StandardOpenOption.CREATE);
                  Thread.sleep(100);
                } catch (IOException | InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                return TestValues.value(k, 1, 64);
              });
      if (TestValues.isWhole(i, v)) ok++;
    }
    System.out.println("OK " + ok);
  }

  /**
   * Four threads overwrite random keys with values of random length (precomputed, so that most of
   * the time is spent inside the cache and a kill likely lands inside a segment lock) until killed.
   */
  private static void writeLoop(SharedCache cache, String[] args) throws InterruptedException {
    int keys = Integer.parseInt(args[2]);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    byte[][][] values = new byte[keys][4][];
    for (int i = 0; i < keys; i++) {
      for (int r = 0; r < 4; r++) values[i][r] = TestValues.value(i, r, 12 + random.nextInt(2000));
    }
    Thread[] threads = new Thread[4];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (long n = 0; ; n++) {
                  int i = rnd.nextInt(keys);
                  cache.put(TestValues.key(i), values[i][rnd.nextInt(4)]);
                  if ((n & 7) == 0) cache.remove(TestValues.key(rnd.nextInt(keys)));
                }
              });
      threads[t].start();
    }
    System.out.println("READY");
    System.out.flush();
    threads[0].join();
  }

  /** Takes the lock of the key's segment and waits to be killed. */
  private static void holdLock(SharedCache cache, String[] args) throws InterruptedException {
    cache.segmentForTest(TestValues.key(Integer.parseInt(args[2]))).lock();
    System.out.println("LOCKED");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }

  /** Starts overwriting the key's value in place, writes half of it, and waits to be killed. */
  private static void tornWrite(SharedCache cache, String[] args) throws InterruptedException {
    int i = Integer.parseInt(args[2]);
    byte[] key = TestValues.key(i);
    byte[] old = cache.get(key);
    byte[] replacement = TestValues.value(i, 99, old.length);
    cache.segmentForTest(key).beginTornOverwriteForTest(key, KeyHash.of(key), replacement);
    System.out.println("TORN");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
