package dev.mmapkit.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells the first opener of a log (across all processes) that it is alone, so that it may repair
 * the log, and keeps a shared lock while the log is open so that no later opener repairs it under a
 * live appender. The lock is an {@code fcntl} lock on {@code log.lock}: the kernel drops it when
 * its process dies, so a crashed process never blocks recovery.
 *
 * <p>{@code fcntl} locks belong to a process, and closing any descriptor of the file drops them, so
 * one JVM holds one lock per directory, shared by all its open logs, on a file nothing else opens.
 */
final class DirectoryLock {
  static final String FILE_NAME = "log.lock";

  private static final Map<Path, DirectoryLock> HELD = new HashMap<>();

  /** Work to do while holding the lock exclusively. */
  @FunctionalInterface
  interface ExclusiveWork {
    void run() throws IOException;
  }

  private final Path key;
  private final FileChannel channel;
  private FileLock lock;
  private int users;

  private DirectoryLock(Path key, FileChannel channel) {
    this.key = key;
    this.channel = channel;
  }

  /**
   * Takes a share of the lock on {@code dir}; if no process holds it, first runs {@code ifAlone}
   * while holding it exclusively.
   *
   * @return the held lock, to {@link #release} on close
   */
  static DirectoryLock acquire(Path dir, ExclusiveWork ifAlone) throws IOException {
    Path key = dir.toRealPath();
    synchronized (HELD) {
      DirectoryLock held = HELD.get(key);
      if (held != null) {
        held.users++;
        return held;
      }
      FileChannel channel =
          FileChannel.open(
              key.resolve(FILE_NAME),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      DirectoryLock l = new DirectoryLock(key, channel);
      try {
        FileLock exclusive = channel.tryLock(0, Long.MAX_VALUE, false);
        if (exclusive != null) {
          try {
            ifAlone.run();
          } finally {
            exclusive.release();
          }
        }
        // Blocks while another process holds it exclusively, i.e. is recovering.
        l.lock = channel.lock(0, Long.MAX_VALUE, true);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      l.users = 1;
      HELD.put(key, l);
      return l;
    }
  }

  /** Gives back one share; the last one releases the lock. */
  void release() throws IOException {
    synchronized (HELD) {
      if (--users > 0) return;
      HELD.remove(key);
      channel.close();
    }
  }
}
