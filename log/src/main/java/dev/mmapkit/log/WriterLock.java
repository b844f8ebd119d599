package dev.mmapkit.log;

import dev.mmapkit.MmapkitException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * Who may append to a log: any number of shared appenders (every {@link AppendLog} that appends,
 * taken on its first append) or one exclusive appender ({@link LogConfig#exclusiveAppender()},
 * taken on open), never both. An {@code fcntl} lock on {@code log.writer}: the kernel drops it when
 * its process dies, so a crashed exclusive appender never locks the others out.
 *
 * <p>As with {@link DirectoryLock}, one JVM holds one lock per directory, counted over its handles,
 * on a file nothing else opens.
 */
final class WriterLock {
  static final String FILE_NAME = "log.writer";

  private static final Map<Path, WriterLock> HELD = new HashMap<>();

  private final Path key;
  private final FileChannel channel;
  private final boolean exclusive;
  private FileLock lock;
  private int users;

  private WriterLock(Path key, FileChannel channel, boolean exclusive) {
    this.key = key;
    this.channel = channel;
    this.exclusive = exclusive;
  }

  /**
   * Takes the lock on {@code dir}, shared or exclusive.
   *
   * @throws MmapkitException if it is held the other way, by this process or another
   */
  static WriterLock acquire(Path dir, boolean exclusive) throws IOException {
    Path key = dir.toRealPath();
    synchronized (HELD) {
      WriterLock held = HELD.get(key);
      if (held != null) {
        if (exclusive || held.exclusive) throw busy(dir, exclusive, "this process");
        held.users++;
        return held;
      }
      FileChannel channel =
          FileChannel.open(
              key.resolve(FILE_NAME),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      WriterLock l = new WriterLock(key, channel, exclusive);
      try {
        FileLock taken;
        try {
          taken = channel.tryLock(0, Long.MAX_VALUE, !exclusive);
        } catch (OverlappingFileLockException e) {
          taken = null;
        }
        if (taken == null) throw busy(dir, exclusive, "another process");
        l.lock = taken;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      l.users = 1;
      HELD.put(key, l);
      return l;
    }
  }

  private static MmapkitException busy(Path dir, boolean exclusive, String who) {
    return new MmapkitException(
        dir,
        exclusive
            ? "cannot append exclusively: "
                + who
                + " appends to this log (close its other appending handles first)"
            : "cannot append: "
                + who
                + " holds this log as its exclusive appender (LogConfig.exclusiveAppender)");
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
