package dev.mmapkit.bench.cache;

import dev.mmapkit.bench.BenchFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.Txn;
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
 * The lmdbjava anchor for {@link CacheBenchmark}: the same 1M entries in an LMDB environment in
 * /dev/shm, hits in random key order into the same kind of caller buffer, one thread. The read
 * transaction is kept open across gets (renewed every 1024), LMDB's best case; the environment is
 * opened with {@code MDB_NOSYNC | MDB_NOMETASYNC | MDB_NORDAHEAD} like a cache would be.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LmdbBenchmark {
  @Param("1000000")
  public int entries;

  private Path dir;
  private Env<ByteBuffer> env;
  private Dbi<ByteBuffer> db;
  private Txn<ByteBuffer> read;
  private int readsInTxn;
  private byte[][] keys;
  private int[] order;
  private int next;
  private ByteBuffer key;
  private ByteBuffer value;
  private Arena arena;
  private MemorySegment buffer;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir =
        Files.createDirectories(
            Path.of("/dev/shm", "mmapkit-bench-lmdb-" + ProcessHandle.current().pid()));
    env =
        Env.create()
            .setMapSize(1L << 30)
            .setMaxDbs(1)
            .open(
                dir.toFile(), EnvFlags.MDB_NOSYNC, EnvFlags.MDB_NOMETASYNC, EnvFlags.MDB_NORDAHEAD);
    db = env.openDbi("bench", DbiFlags.MDB_CREATE);
    keys = CacheData.keys(entries);
    key = ByteBuffer.allocateDirect(CacheData.KEY_BYTES);
    value = ByteBuffer.allocateDirect(CacheData.VALUE_BYTES);
    try (Txn<ByteBuffer> write = env.txnWrite()) {
      for (int i = 0; i < entries; i++) {
        key.clear().put(keys[i]).flip();
        value.clear().put(CacheData.value(i, 0)).flip();
        db.put(write, key, value);
      }
      write.commit();
    }
    order = CacheData.order(entries, 42);
    read = env.txnRead();
    arena = Arena.ofConfined();
    buffer = arena.allocate(CacheData.VALUE_BYTES);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    read.close();
    env.close();
    arena.close();
    BenchFiles.deleteTree(dir);
  }

  @Benchmark
  public int lmdbGet() {
    if (++readsInTxn == 1024) {
      readsInTxn = 0;
      read.reset();
      read.renew();
    }
    int i = order[next];
    if (++next == order.length) next = 0;
    key.clear().put(keys[i]).flip();
    ByteBuffer v = db.get(read, key);
    if (v == null) return -1;
    int n = v.remaining();
    MemorySegment.copy(MemorySegment.ofBuffer(v), 0, buffer, 0, n);
    return n;
  }
}
