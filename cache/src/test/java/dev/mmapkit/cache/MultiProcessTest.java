package dev.mmapkit.cache;

import static dev.mmapkit.cache.TestValues.key;
import static dev.mmapkit.cache.TestValues.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mmapkit.testkit.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real JVMs sharing one cache file: sharing, compute-once, and recovery from kill -9. */
class MultiProcessTest {
  @TempDir Path dir;

  private Path file() {
    return dir.resolve("shared.cache");
  }

  @Test
  void twoProcessesShareEntries() throws Exception {
    ChildJvm.Result put =
        ChildJvm.run(
            CacheChild.class,
            ChildJvm.DEFAULT_OPTIONS,
            60,
            "put",
            file().toString(),
            "0",
            "1000",
            "3",
            "100");
    assertEquals(0, put.exitCode(), put.toString());
    try (SharedCache cache = SharedCache.open(file(), CacheChild.CONFIG)) {
      for (int i = 0; i < 1000; i++) assertArrayEquals(value(i, 3, 100), cache.get(key(i)));
      for (int i = 1000; i < 1500; i++) cache.put(key(i), value(i, 4, 50));
      ChildJvm.Result check =
          ChildJvm.run(
              CacheChild.class,
              ChildJvm.DEFAULT_OPTIONS,
              60,
              "check",
              file().toString(),
              "0",
              "1500");
      assertTrue(check.stdout().contains("HITS 1500 TORN 0"), check.toString());
      assertTrue(cache.stats().hits() >= 1500, cache.stats().toString());
    }
  }

  @Test
  void computeIfAbsentRunsEachLoaderOnceAcrossProcesses() throws Exception {
    Path loads = dir.resolve("loads.txt");
    try (SharedCache cache = SharedCache.open(file(), CacheChild.CONFIG)) {
      String startAt = Long.toString(System.currentTimeMillis() + 1500);
      List<Process> children = new ArrayList<>();
      for (int c = 0; c < 3; c++) {
        children.add(
            ChildJvm.start(
                CacheChild.class,
                "compute",
                file().toString(),
                "0",
                "10",
                loads.toString(),
                startAt));
      }
      for (Process p : children) {
        ChildJvm.Result r = ChildJvm.finish(p, 60);
        assertTrue(r.stdout().contains("OK 10"), r.toString());
      }
      List<String> lines = Files.readAllLines(loads);
      assertEquals(10, lines.size(), "each key loaded once: " + lines);
      CacheStats stats = cache.stats();
      assertEquals(10, stats.loads(), stats.toString());
      assertTrue(stats.loadWaits() > 0, "others waited for the loads: " + stats);
      assertEquals(0, stats.loadWaitTimeouts(), stats.toString());
    }
  }

  @Test
  void aKilledLockHolderIsRecoveredWithinTheBound() throws Exception {
    try (SharedCache cache = SharedCache.open(file(), CacheChild.CONFIG)) {
      cache.put(key(1), value(1, 0, 100));
      Process holder = ChildJvm.start(CacheChild.class, "holdLock", file().toString(), "1");
      awaitLine(holder, "LOCKED");
      holder.destroyForcibly().waitFor();
      assertPutRecoversWithinASecond(cache, value(1, 1, 100));
      assertArrayEquals(value(1, 1, 100), cache.get(key(1)));
      assertEquals(1, cache.stats().lockRecoveries());
    }
  }

  @Test
  void aPausedLockHolderKeepsItsLockAndLosesItOnlyWhenKilled() throws Exception {
    try (SharedCache cache = SharedCache.open(file(), CacheChild.CONFIG)) {
      cache.put(key(1), value(1, 0, 100));
      Process holder = ChildJvm.start(CacheChild.class, "holdLock", file().toString(), "1");
      try {
        awaitLine(holder, "LOCKED");
        signal("STOP", holder); // docker pause, a long GC pause, CPU throttling
        long start = System.nanoTime();
        assertThrows(CacheLockTimeoutException.class, () -> cache.put(key(1), value(1, 1, 100)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 1000, "waited the lock timeout: " + millis + " ms");
        assertEquals(0, cache.stats().lockRecoveries(), "a paused process keeps its lock");
      } finally {
        holder.destroyForcibly().waitFor(); // SIGKILL ends a stopped process too
      }
      assertPutRecoversWithinASecond(cache, value(1, 2, 100));
      assertArrayEquals(value(1, 2, 100), cache.get(key(1)));
      assertEquals(1, cache.stats().lockRecoveries());
    }
  }

  @Test
  void aKilledHolderWithoutNativeAccessIsRecoveredByItsPid() throws Exception {
    try (SharedCache cache = SharedCache.open(file(), CacheChild.CONFIG)) {
      cache.put(key(1), value(1, 0, 100));
      Process holder =
          ChildJvm.start(
              CacheChild.class, WITHOUT_NATIVE_ACCESS, "holdLock", file().toString(), "1");
      awaitLine(holder, "LOCKED");
      assertEquals(2, cache.stats().attachedProcesses());
      holder.destroyForcibly().waitFor();
      assertPutRecoversWithinASecond(cache, value(1, 1, 100));
      assertEquals(1, cache.stats().lockRecoveries());
      assertEquals(1, cache.stats().attachedProcesses());
    }
  }

  /**
   * Needs root (unshare): the holder runs as pid 1 of its own PID namespace with its own /proc, so
   * its pid means nothing here; only its slot lock tells whether it runs.
   */
  @Test
  void aHolderInAnotherPidNamespaceKeepsItsLockWhilePausedAndLosesItWhenKilled() throws Exception {
    assumeTrue(ChildJvm.isRoot(), "unshare --pid needs root");
    List<String> command = holderInNewPidNamespace(ChildJvm.DEFAULT_OPTIONS);
    try (SharedCache cache = SharedCache.open(file(), CacheChild.CONFIG)) {
      cache.put(key(1), value(1, 0, 100));
      Process unshare = new ProcessBuilder(command).start();
      try {
        awaitLine(unshare, "LOCKED");
        ProcessHandle holder = unshare.toHandle().children().findFirst().orElseThrow();
        assertEquals(2, cache.stats().attachedProcesses());
        signal("STOP", holder.pid());
        var e =
            assertThrows(
                CacheLockTimeoutException.class, () -> cache.put(key(1), value(1, 1, 100)));
        assertTrue(e.getMessage().contains("running process"), e.getMessage());
        assertEquals(0, cache.stats().lockRecoveries(), "paused in another namespace: kept");
        signal("KILL", holder.pid());
        unshare.waitFor();
      } finally {
        unshare.destroyForcibly().waitFor();
      }
      assertPutRecoversWithinASecond(cache, value(1, 2, 100));
      assertEquals(1, cache.stats().lockRecoveries());
      assertEquals(1, cache.stats().attachedProcesses());
    }
  }

  /**
   * Needs root (unshare). Without native access the holder has no slot lock and its pid means
   * nothing here: its liveness is unknown, so its lock is never taken, even after it was killed.
   */
  @Test
  void aHolderInAnotherPidNamespaceWithoutNativeAccessIsNeverJudgedDead() throws Exception {
    assumeTrue(ChildJvm.isRoot(), "unshare --pid needs root");
    List<String> command = holderInNewPidNamespace(WITHOUT_NATIVE_ACCESS);
    try (SharedCache cache = SharedCache.open(file(), CacheChild.CONFIG)) {
      cache.put(key(1), value(1, 0, 100));
      Process unshare = new ProcessBuilder(command).start();
      try {
        awaitLine(unshare, "LOCKED");
        ProcessHandle holder = unshare.toHandle().children().findFirst().orElseThrow();
        unshare.destroyForcibly().waitFor(); // --kill-child: the holder dies with it
        holder.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
      } finally {
        unshare.destroyForcibly().waitFor();
      }
      var e =
          assertThrows(CacheLockTimeoutException.class, () -> cache.put(key(1), value(1, 1, 100)));
      assertTrue(e.getMessage().contains("liveness cannot be checked"), e.getMessage());
      assertEquals(0, cache.stats().lockRecoveries());
      assertEquals(2, cache.stats().attachedProcesses(), "its slot stays taken");
    }
  }

  private static void signal(String signal, Process p) throws Exception {
    signal(signal, p.pid());
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    assertEquals(0, kill.waitFor());
  }

  @Test
  void aWriterKilledHalfWayThroughAnEntryLeavesNoTornEntry() throws Exception {
    try (SharedCache cache = SharedCache.open(file(), CacheChild.CONFIG)) {
      cache.put(key(1), value(1, 0, 1000));
      cache.put(key(2), value(2, 0, 1000));
      Process writer = ChildJvm.start(CacheChild.class, "tornWrite", file().toString(), "1");
      awaitLine(writer, "TORN");
      writer.destroyForcibly().waitFor();
      long start = System.nanoTime();
      byte[] v = cache.get(key(1)); // a reader meets the odd version and recovers the segment
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertNull(v, "the torn entry is dropped, never returned");
      assertTrue(millis < 1000, "recovered in " + millis + " ms");
      assertEquals(1, cache.stats().lockRecoveries());
      assertTrue(TestValues.isWhole(2, cache.get(key(2))) || cache.get(key(2)) == null);
    }
  }

  @Test
  void writersKilledAtRandomPointsNeverLeaveTornEntries() throws Exception {
    int keys = 2000;
    Random random = new Random(7);
    try (SharedCache cache = SharedCache.open(file(), CacheChild.CONFIG)) {
      for (int cycle = 0; cycle < 10; cycle++) {
        Process writer =
            ChildJvm.start(
                CacheChild.class, "writeLoop", file().toString(), Integer.toString(keys));
        awaitLine(writer, "READY");
        Thread.sleep(50 + random.nextInt(300));
        writer.destroyForcibly().waitFor();
        long start = System.nanoTime();
        int torn = 0;
        for (int i = 0; i < keys; i++) {
          byte[] v = cache.get(key(i));
          if (v != null && !TestValues.isWhole(i, v)) torn++;
        }
        for (int i = 0; i < keys; i += 97) cache.put(key(i), value(i, 200, 64));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, torn, "cycle " + cycle);
        assertTrue(millis < 2000, "cycle " + cycle + " took " + millis + " ms");
      }
      ChildJvm.Result check =
          ChildJvm.run(
              CacheChild.class,
              ChildJvm.DEFAULT_OPTIONS,
              60,
              "check",
              file().toString(),
              "0",
              Integer.toString(keys));
      assertTrue(check.stdout().contains("TORN 0"), check.toString());
      CacheStats stats = cache.stats();
      System.out.println("after 10 kills: " + stats);
      // Four writers, killed ten times: some kill lands inside a lock (deterministic cases above).
      assertTrue(stats.lockRecoveries() >= 1, stats.toString());
    }
  }

  private static void awaitLine(Process p, String expected) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!expected.equals(line)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          "child printed "
              + line
              + " instead of "
              + expected
              + ": "
              + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** Child JVM options without {@code --enable-native-access}: no slot lock, liveness by pid. */
  private static final List<String> WITHOUT_NATIVE_ACCESS = List.of("-Xmx128m", "-XX:+UseSerialGC");

  /**
   * The command that runs a lock-holding child JVM with {@code options} as pid 1 of a new PID
   * namespace with its own /proc (root only).
   */
  private List<String> holderInNewPidNamespace(List<String> options) {
    List<String> command =
        new ArrayList<>(List.of("unshare", "--pid", "--mount-proc", "--kill-child"));
    command.addAll(ChildJvm.command(CacheChild.class, options, "holdLock", file().toString(), "1"));
    return command;
  }

  /**
   * Puts {@code value} under key 1 and asserts it took under a second: a dead holder's lock was
   * recovered, not waited out.
   */
  private static void assertPutRecoversWithinASecond(SharedCache cache, byte[] value)
      throws IOException {
    long start = System.nanoTime();
    cache.put(key(1), value);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis < 1000, "recovered in " + millis + " ms");
  }
}
