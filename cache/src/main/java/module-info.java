/**
 * mmapkit cache: {@link dev.mmapkit.cache.SharedCache}, a fixed-budget key to bytes table in one
 * mapped file that many JVM processes share, with eviction, compute-once loading across processes,
 * O(1) invalidation, lock recovery after a killed process and statistics readable from outside.
 *
 * <p>Grant native access to the core module: {@code --enable-native-access=dev.mmapkit.core}.
 * Without it the cache works; waiting for another process's load polls instead of sleeping on a
 * futex.
 */
module dev.mmapkit.cache {
  requires transitive dev.mmapkit.core;

  exports dev.mmapkit.cache;
}
