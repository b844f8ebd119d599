package dev.mmapkit.bench.ipc;

import dev.mmapkit.bench.BenchFiles;
import dev.mmapkit.bench.Comparison;
import dev.mmapkit.ipc.RingBuffer;
import dev.mmapkit.ipc.RingBuffers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

/**
 * The blocking strategy's two goals, measured directly (JMH has no mode for "idle"): a consumer
 * process with {@link dev.mmapkit.ipc.BlockingIdleStrategy} first idles for an unmeasured warm-up
 * second, then idles while its thread's CPU time is read from {@code /proc/thread-self/schedstat}
 * (2 s quick, 10 s full), then this process writes messages carrying {@link System#nanoTime()}, 5
 * ms apart and then 1 ms apart (both long enough for the consumer to go back to sleep each time),
 * and the consumer reports how long each took to reach its handler. Two other peers take turns with
 * it, woken by the same sends paced the same way: one blocked in {@code read} on a Unix-domain
 * socket, the operating system's own wake-up, and one blocked in a bare futex wait ({@link
 * FutexPeer}), the least a JVM thread can be woken with. On a virtual machine whose idle vCPU
 * halts, all three pay for what the hypervisor does, which no user-space strategy can avoid without
 * spinning; the ratios say what the ring's strategy adds on top of it.
 */
public final class WakeUpMeasurement {
  private WakeUpMeasurement() {}

  /**
   * The consumer idles this long before its CPU time is measured, in quick and full runs alike, so
   * start-up (its first 1000 spins, the first sleeps in interpreted code) is not in the window.
   */
  static final long IDLE_WARM_UP_MILLIS = 1_000;

  /**
   * Runs the measurement alone (it also runs as part of {@code bench/run ipc}): {@code java -cp
   * bench/target/benchmarks.jar dev.mmapkit.bench.ipc.WakeUpMeasurement [--quick]}.
   */
  public static void main(String[] args) throws Exception {
    for (Comparison row : measure(args.length > 0 && args[0].equals("--quick"))) {
      System.out.printf(
          "%-36s %10.3f %s, anchor %.3f  (%s)%n",
          row.name(), row.ours(), row.unit(), row.anchor(), row.note());
    }
  }

  /** The calling thread's time on a CPU, in nanoseconds (Linux). */
  static long threadCpuNanos() {
    try {
      String schedstat = Files.readString(Path.of("/proc/thread-self/schedstat"));
      return Long.parseLong(schedstat.substring(0, schedstat.indexOf(' ')));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The pauses between writes, in milliseconds, each long enough for a consumer to be asleep when
   * the next write comes: the goal row's first. How long a thread slept changes how long it takes
   * to wake on a virtual machine (its caches and its vCPU go cold), so a shorter pause shows the
   * same wake-up warmer.
   */
  private static final long[] PAUSES_MILLIS = {5, 1};

  /**
   * How many timed wake-ups one peer gets in a row before the next peer's turn: the three peers
   * take turns so that all three are measured in the same minutes of a host whose speed changes
   * every few seconds, each still sleeping one pause before each timed wake-up.
   */
  private static final int TURN = 25;

  /** A sleeping peer and how to wake it with a stamp (see {@link WakeUpLatencies}). */
  private record Sleeper(Peer peer, LongConsumer send) {}

  static List<Comparison> measure(boolean quick) throws Exception {
    long idleMillis = quick ? 2_000 : 10_000;
    int count = quick ? 200 : 1_000;
    Path ringDirectory = Peer.newDirectory();
    Path ringPath = ringDirectory.resolve("ring");
    Path socketDirectory = Peer.newDirectory();
    Path socketPath = socketDirectory.resolve("s");
    Path futexDirectory = Peer.newDirectory();
    Path futexPath = futexDirectory.resolve("futex");
    long idleCpu;
    long[][][] latencies;
    try (RingBuffer ring = RingBuffers.createOneToOne(ringPath, 64 * 1024);
        Peer ringPeer =
            new Peer(
                ringDirectory,
                "blocking",
                "consume",
                ringPath.toString(),
                Integer.toString(count),
                Long.toString(idleMillis))) {
      // Measured alone: the other peers start after it.
      String idleLine = ringPeer.readLine();
      idleCpu = Long.parseLong(idleLine.substring(idleLine.indexOf(' ') + 1));
      MemorySegment message = Arena.global().allocate(8, 8);
      LongConsumer ringWrite =
          stamp -> {
            message.set(ValueLayout.JAVA_LONG, 0, stamp);
            while (!ring.write(1, message)) Thread.onSpinWait();
          };
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(socketPath));
        try (Peer socketPeer =
                new Peer(
                    socketDirectory, "uds-blocking", "consume", socketPath.toString(), "" + count);
            SocketChannel channel = server.accept();
            FutexPeer waker = new FutexPeer(futexPath);
            Peer futexPeer =
                new Peer(
                    futexDirectory,
                    "futex-blocking",
                    "consume",
                    futexPath.toString(),
                    "" + count)) {
          latencies =
              inTurns(
                  count,
                  new Sleeper(ringPeer, ringWrite),
                  new Sleeper(socketPeer, socketWrite(channel)),
                  new Sleeper(futexPeer, waker::wake));
        }
      }
    } finally {
      // A peer deletes its directory when it closes; these are left if one never started.
      for (Path directory : List.of(ringDirectory, socketDirectory, futexDirectory)) {
        BenchFiles.deleteTree(directory);
      }
    }
    long[][] ringLatencies = latencies[0];
    long[][] socket = latencies[1];
    long[][] futex = latencies[2];
    double cpuPercent = 100.0 * idleCpu / (idleMillis * 1e6);
    return List.of(
        Comparison.cost(
            "blocking-idle-cpu",
            cpuPercent,
            1.0,
            "% of a core",
            1.0,
            "consumer thread idle for "
                + idleMillis / 1000
                + " s with BlockingIdleStrategy, measured after a "
                + IDLE_WARM_UP_MILLIS / 1000
                + " s unmeasured warm-up; anchor: the goal, < 1 %"),
        Comparison.cost(
            "blocking-wake-p50",
            micros(p50(ringLatencies[0])),
            20.0,
            "us",
            1.0,
            count
                + " writes "
                + PAUSES_MILLIS[0]
                + " ms apart from another process, write to handler; p99 "
                + Math.round(micros(p99(ringLatencies[0])))
                + " us; anchor: the goal, 20 us"),
        Comparison.cost(
            "blocking-wake-p50-vs-uds",
            micros(p50(ringLatencies[0])),
            micros(p50(socket[0])),
            "us",
            Double.NaN,
            "the same paced writes to a peer blocked reading a Unix-domain socket (p99 "
                + Math.round(micros(p99(socket[0])))
                + " us): the operating system's wake-up on this machine, informative"),
        floorRow(0, ringLatencies, futex, socket),
        floorRow(1, ringLatencies, futex, socket));
  }

  /**
   * The ring's wake-up p50 after pause {@code pause} against a bare futex wake-up between two JVMs
   * paced the same (see {@link FutexPeer}): what the ring adds to a floor it cannot go below.
   */
  private static Comparison floorRow(int pause, long[][] ring, long[][] futex, long[][] socket) {
    String name =
        "blocking-wake-p50"
            + (pause == 0 ? "" : "-" + PAUSES_MILLIS[pause] + "ms")
            + "-vs-jvm-futex";
    return Comparison.cost(
        name,
        micros(p50(ring[pause])),
        micros(p50(futex[pause])),
        "us",
        Double.NaN,
        "writes "
            + PAUSES_MILLIS[pause]
            + " ms apart; anchor: a bare futex wait and wake between two JVMs, no ring ("
            + futex[pause].length
            + " timed, p99 "
            + Math.round(micros(p99(futex[pause])))
            + " us; ours p99 "
            + Math.round(micros(p99(ring[pause])))
            + " us; socket peer p50 "
            + Math.round(micros(p50(socket[pause])))
            + " us): the floor of this machine and JVM, informative");
  }

  /**
   * After an unmeasured warm-up of 20,000 sends to each sleeper (stamped 0), {@code count} sends to
   * each stamped with {@link System#nanoTime()} for each of {@link #PAUSES_MILLIS}, pausing that
   * long before each. The sleepers take turns of {@link #TURN} sends, each turn led by an unstamped
   * send, so that every timed wake-up follows one pause of sleep, not the other sleepers' turns.
   * Returns each sleeper's latencies for each pause, sorted, as it reports them when asked.
   */
  private static long[][][] inTurns(int count, Sleeper... sleepers) throws IOException {
    for (Sleeper sleeper : sleepers) {
      for (int i = 0; i < 20_000; i++) sleeper.send.accept(0L);
    }
    LockSupport.parkNanos(50_000_000);
    long[][][] latencies = new long[sleepers.length][PAUSES_MILLIS.length][];
    for (int pause = 0; pause < PAUSES_MILLIS.length; pause++) {
      long pauseNanos = PAUSES_MILLIS[pause] * 1_000_000;
      for (int sent = 0; sent < count; sent += TURN) {
        for (Sleeper sleeper : sleepers) {
          LockSupport.parkNanos(pauseNanos);
          sleeper.send.accept(0L);
          for (int i = sent; i < Math.min(count, sent + TURN); i++) {
            LockSupport.parkNanos(pauseNanos);
            sleeper.send.accept(System.nanoTime());
          }
        }
      }
      // One pause more, so that the last send is timed before the report request: at a futex
      // peer the request overwrites the stamp.
      LockSupport.parkNanos(pauseNanos);
      for (int s = 0; s < sleepers.length; s++) {
        sleepers[s].send.accept(WakeUpLatencies.REPORT);
        latencies[s][pause] = latencies(sleepers[s].peer.readLine());
      }
    }
    return latencies;
  }

  /** The sorted latencies of a peer's {@code latencies N N ...} line. */
  private static long[] latencies(String line) throws IOException {
    if (line == null) throw new IOException("the wake-up peer ended without its latencies");
    String[] fields = line.split(" ");
    if (fields.length < 2) throw new IOException("the wake-up peer timed no wake-up: " + line);
    long[] latencies = new long[fields.length - 1];
    for (int i = 0; i < latencies.length; i++) latencies[i] = Long.parseLong(fields[i + 1]);
    Arrays.sort(latencies);
    return latencies;
  }

  private static long p50(long[] sorted) {
    return sorted[sorted.length / 2];
  }

  private static long p99(long[] sorted) {
    return sorted[(int) (sorted.length * 0.99)];
  }

  private static double micros(long nanos) {
    return nanos / 1e3;
  }

  /** Writes a stamp to a peer blocked reading a Unix-domain socket. */
  private static LongConsumer socketWrite(SocketChannel channel) {
    ByteBuffer message = ByteBuffer.allocateDirect(8);
    return stamp -> {
      message.clear();
      message.putLong(0, stamp);
      try {
        while (message.hasRemaining()) channel.write(message);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
