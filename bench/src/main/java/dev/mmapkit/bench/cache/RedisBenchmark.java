package dev.mmapkit.bench.cache;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/**
 * The Redis anchor for {@link CacheBenchmark}: the same 1M entries in a real {@code redis-server}
 * on 127.0.0.1 (started here, see {@link RedisServer}), read by one thread over one Jedis
 * connection with GETs pipelined by {@value #PIPELINE}, in the same random key order, each value
 * copied into the same kind of caller buffer. One operation is one GET, so the score is comparable
 * with {@code sharedCacheGet}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedisBenchmark {
  static final int PIPELINE = 100;
  private static final int LOAD_BATCH = 10_000;

  @Param("1000000")
  public int entries;

  private RedisServer server;
  private Jedis jedis;
  private Pipeline pipeline;
  private byte[][] keys;
  private int[] order;
  private int next;
  private Arena arena;
  private MemorySegment buffer;

  @SuppressWarnings("unchecked")
  private final Response<byte[]>[] responses = new Response[PIPELINE];

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server = RedisServer.start();
    try {
      jedis = server.connect();
      keys = CacheData.keys(entries);
      try (Pipeline load = jedis.pipelined()) {
        for (int i = 0; i < entries; i++) {
          load.set(keys[i], CacheData.value(i, 0));
          if ((i + 1) % LOAD_BATCH == 0) load.sync();
        }
        load.sync();
      }
      long size = jedis.dbSize();
      if (size != entries) throw new IllegalStateException(size + " keys in Redis, not " + entries);
      order = CacheData.order(entries, 42);
      pipeline = jedis.pipelined();
      arena = Arena.ofConfined();
      buffer = arena.allocate(CacheData.VALUE_BYTES);
    } catch (Exception | Error e) {
      tearDown(); // JMH skips the tear-down of a failed set-up: do not leave the server running
      throw e;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      if (jedis != null) jedis.close();
      if (arena != null) arena.close();
    } finally {
      server.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(PIPELINE)
  public int redisGetPipelined() {
    for (int n = 0; n < PIPELINE; n++) {
      responses[n] = pipeline.get(keys[order[next]]);
      if (++next == order.length) next = 0;
    }
    pipeline.sync();
    int bytes = 0;
    for (Response<byte[]> response : responses) {
      byte[] v = response.get();
      if (v == null) throw new IllegalStateException("a loaded key missed");
      MemorySegment.copy(v, 0, buffer, ValueLayout.JAVA_BYTE, 0, v.length);
      bytes += v.length;
    }
    return bytes;
  }
}
