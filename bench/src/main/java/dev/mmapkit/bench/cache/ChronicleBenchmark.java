package dev.mmapkit.bench.cache;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.map.ChronicleMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The Chronicle Map anchor for {@link CacheBenchmark}: the same 1M entries in a map persisted to
 * /dev/shm (so other processes could share it, like {@code SharedCache}), sized exactly for them.
 * Hits use {@code getUsing} with a reused 100-byte array (Chronicle's allocation-free read for
 * {@code byte[]} values) and copy it into the same kind of caller buffer; puts overwrite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChronicleBenchmark {
  @Param("1000000")
  public int entries;

  private Path path;
  private ChronicleMap<byte[], byte[]> map;
  private byte[][] keys;
  private byte[][] values;
  private byte[] using;
  private int[] order;
  private int next;
  private Arena arena;
  private MemorySegment buffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    path = Path.of("/dev/shm", "mmapkit-bench-chronicle-" + ProcessHandle.current().pid());
    Files.deleteIfExists(path);
    map =
        ChronicleMap.of(byte[].class, byte[].class)
            .name("mmapkit-bench")
            .entries(entries)
            .averageKeySize(CacheData.KEY_BYTES)
            .averageValueSize(CacheData.VALUE_BYTES)
            .createPersistedTo(path.toFile());
    keys = CacheData.keys(entries);
    values = new byte[entries][];
    for (int i = 0; i < entries; i++) {
      map.put(keys[i], CacheData.value(i, 0));
      values[i] = CacheData.value(i, 1);
    }
    using = new byte[CacheData.VALUE_BYTES];
    order = CacheData.order(entries, 42);
    arena = Arena.ofConfined();
    buffer = arena.allocate(CacheData.VALUE_BYTES);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    map.close();
    Files.deleteIfExists(path);
    arena.close();
  }

  private int nextIndex() {
    int i = order[next];
    if (++next == order.length) next = 0;
    return i;
  }

  @Benchmark
  public int chronicleGet() {
    byte[] v = map.getUsing(keys[nextIndex()], using);
    if (v == null) return -1;
    MemorySegment.copy(v, 0, buffer, ValueLayout.JAVA_BYTE, 0, v.length);
    return v.length;
  }

  @Benchmark
  public void chroniclePut() {
    int i = nextIndex();
    map.put(keys[i], values[i]);
  }
}
