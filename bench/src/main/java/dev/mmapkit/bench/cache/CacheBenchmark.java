package dev.mmapkit.bench.cache;

import dev.mmapkit.cache.SharedCache;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
 * Hits and overwrites on 1M entries (16 B keys, 100 B values) in random key order, one thread:
 * {@link SharedCache} in /dev/shm against {@code ConcurrentHashMap<Key, byte[]>}. Both copy the
 * value into the same caller buffer on a hit, so both do the work a reader of a shared cache does.
 * One operation is one lookup (or one put).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CacheBenchmark {

  /** A byte[] key with value equality, as a map key must have. */
  record Key(byte[] bytes, int hash) {
    Key(byte[] bytes) {
      this(bytes, Arrays.hashCode(bytes));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  @Param("1000000")
  public int entries;

  private Path path;
  private SharedCache cache;
  private ConcurrentHashMap<Key, byte[]> map;
  private byte[][] keys;
  private Key[] mapKeys;
  private Key[] lookupKeys;
  private byte[][] values;
  private int[] order;
  private int next;
  private Arena arena;
  private MemorySegment buffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    path = Path.of("/dev/shm", "mmapkit-bench-" + ProcessHandle.current().pid() + ".cache");
    cache = CacheData.filledCache(path, entries);
    if (cache.stats().entries() != entries) {
      String stats = cache.stats().toString();
      tearDownCache(); // JMH skips the tear-down of a failed set-up: leave nothing in /dev/shm
      throw new IllegalStateException("not all entries fit: " + stats);
    }
    keys = CacheData.keys(entries);
    map = new ConcurrentHashMap<>(entries * 2);
    mapKeys = new Key[entries];
    lookupKeys = new Key[entries];
    values = new byte[entries][];
    for (int i = 0; i < entries; i++) {
      mapKeys[i] = new Key(keys[i]);
      lookupKeys[i] = new Key(keys[i].clone());
      values[i] = CacheData.value(i, 1);
      map.put(mapKeys[i], CacheData.value(i, 0));
    }
    order = CacheData.order(entries, 42);
    arena = Arena.ofConfined();
    buffer = arena.allocate(CacheData.VALUE_BYTES);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    tearDownCache();
    arena.close();
  }

  private void tearDownCache() throws IOException {
    cache.close();
    Files.deleteIfExists(path);
  }

  private int nextIndex() {
    int i = order[next];
    if (++next == order.length) next = 0;
    return i;
  }

  @Benchmark
  public int sharedCacheGet() {
    return cache.get(keys[nextIndex()], buffer);
  }

  /**
   * A lookup with a key equal to the stored one but not the same object, as a caller holding key
   * bytes from a request has: the map must compare the key bytes, as {@link SharedCache} must. The
   * key's hash is still computed in advance, which favours the map.
   */
  @Benchmark
  public int chmGet() {
    return copyOut(map.get(lookupKeys[nextIndex()]));
  }

  /**
   * A lookup with the very key object stored in the map: the map compares references and never
   * reads the key bytes. Reported beside {@link #chmGet()} to show what that shortcut is worth.
   */
  @Benchmark
  public int chmGetSameKeyObject() {
    return copyOut(map.get(mapKeys[nextIndex()]));
  }

  private int copyOut(byte[] v) {
    MemorySegment.copy(v, 0, buffer, ValueLayout.JAVA_BYTE, 0, v.length);
    return v.length;
  }

  @Benchmark
  public void sharedCachePut() {
    int i = nextIndex();
    cache.put(keys[i], values[i]);
  }

  @Benchmark
  public void chmPut() {
    int i = nextIndex();
    map.put(mapKeys[i], values[i]);
  }
}
