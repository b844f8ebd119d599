package dev.mmapkit.cache;

import dev.mmapkit.testkit.ShrunkFile;
import dev.mmapkit.testkit.ShrunkFile.Operation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Child process of {@link ShrunkCacheTest}: uses the cache file {@code args[0]} while the test
 * shrinks it ({@link ShrunkFile#useWhileShrunk}, {@code args[1]} warm-up rounds).
 */
public final class ShrunkCacheMain {
  private ShrunkCacheMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    SharedCache cache = SharedCache.open(path, CacheConfig.of(4 << 20, 1_000));
    byte[] key = "key".getBytes(StandardCharsets.UTF_8);
    byte[] other = "other".getBytes(StandardCharsets.UTF_8);
    byte[] value = new byte[100];
    ShrunkFile.useWhileShrunk(
        List.of(
            new Operation("put", true, () -> cache.put(key, value)),
            new Operation("get", true, () -> cache.get(key)),
            new Operation("remove", true, () -> cache.remove(other)),
            new Operation("computeIfAbsent", true, () -> cache.computeIfAbsent(other, k -> value)),
            new Operation("stats", true, cache::stats),
            new Operation("invalidateAll", false, cache::invalidateAll),
            new Operation("clear", false, cache::clear),
            new Operation("readStats", false, () -> SharedCache.readStats(path)),
            new Operation("close", false, cache::close)),
        Integer.parseInt(args[1]));
  }
}
