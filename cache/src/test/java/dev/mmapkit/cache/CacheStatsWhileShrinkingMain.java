package dev.mmapkit.cache;

import dev.mmapkit.testkit.ShrinkingFile;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM for {@link CacheStatsWhileShrinkingTest}: creates a cache file and reads its stats
 * while the file keeps shrinking ({@link ShrinkingFile}). Opening the cache itself attaches with a
 * compare-and-set, which the interpreter runs unguarded (see {@code MappedAtomics}), so it is not
 * raced here. Arguments: {@code FILE SIZE}.
 */
public final class CacheStatsWhileShrinkingMain {
  private CacheStatsWhileShrinkingMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    SharedCache.open(path, CacheConfig.of(4 << 20, 1_000)).close();
    ShrinkingFile.openWhileShrinking(
        path, Long.parseLong(args[1]), 2_000, List.of(() -> SharedCache.readStats(path)));
  }
}
