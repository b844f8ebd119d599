/**
 * mmapkit ipc: ring buffers in a memory-mapped file shared by processes on one host, one-to-one and
 * many-to-one, with zero-copy claims, back-pressure, futex-based blocking waits and recovery of
 * claims left by a dead producer; and broadcast, one transmitter to many receivers, lossy with
 * lapped detection or reliable with back-pressure from the slowest live receiver.
 *
 * <p>Grant native access to core only: {@code --enable-native-access=dev.mmapkit.core}. Without it
 * the rings work; the blocking idle strategy falls back to sleeping.
 */
module dev.mmapkit.ipc {
  requires transitive dev.mmapkit.core;

  exports dev.mmapkit.ipc;
}
