package dev.mmapkit.log;

import dev.mmapkit.internal.FileHeader;

/**
 * The layout of {@code log.meta}, the small file in a log directory that every appender and tailer
 * maps: it names the log (chunk size, log id) and holds the shared append position.
 *
 * <p>The file is {@link #FILE_SIZE} bytes: the mmapkit {@link FileHeader} (kind {@value #KIND},
 * version {@value #VERSION}, parameters below), then counters, each on its own 128-byte line so
 * that appenders bumping the tail do not slow down tailers reading the waiter count (two lines,
 * because the adjacent-line prefetcher pairs 64-byte lines).
 *
 * <table>
 *   <caption>log.meta</caption>
 *   <tr><th>offset</th><th>size</th><th>field</th></tr>
 *   <tr><td>0</td><td>4096</td><td>file header; parameter {@link #PARAM_CHUNK_SIZE} chunk size,
 *       {@link #PARAM_LOG_ID} log id</td></tr>
 *   <tr><td>{@link #TAIL_OFFSET}</td><td>8</td><td>tail: the next position to claim; every
 *       position below it is claimed (not necessarily committed)</td></tr>
 *   <tr><td>{@link #WAITERS_OFFSET}</td><td>4</td><td>number of tailers asleep on a futex,
 *       so appenders make the wake system call only when someone sleeps</td></tr>
 *   <tr><td>{@link #FIRST_CHUNK_OFFSET}</td><td>8</td><td>index of the first chunk retention
 *       keeps: chunks below it are deleted (or about to be), and every process unmaps them when it
 *       notices</td></tr>
 *   <tr><td>{@link #PID_NAMESPACE_OFFSET}</td><td>8</td><td>the pid namespace (inode of {@code
 *       /proc/self/ns/pid}) of the process that last recovered the log: only processes in it write
 *       their pid into pending records and abort the claims of dead processes, since a pid means
 *       nothing in another namespace; 0 if unknown</td></tr>
 * </table>
 */
public final class LogMetaDescriptor {
  private LogMetaDescriptor() {}

  /** The meta file's name in the log directory. */
  public static final String FILE_NAME = "log.meta";

  /** File header kind of the meta file. */
  public static final String KIND = "LOGM";

  /** Format version of the meta file. */
  public static final int VERSION = 1;

  /** Meta header parameter: the chunk size. */
  public static final int PARAM_CHUNK_SIZE = 0;

  /** Meta header parameter: the log id. */
  public static final int PARAM_LOG_ID = 1;

  /** Offset of the tail position. */
  public static final long TAIL_OFFSET = FileHeader.SIZE;

  /** Offset of the sleeping-tailer count. */
  public static final long WAITERS_OFFSET = TAIL_OFFSET + 128;

  /** Offset of the first retained chunk index. */
  public static final long FIRST_CHUNK_OFFSET = WAITERS_OFFSET + 128;

  /** Offset of the pid namespace of the processes whose claims readers may judge (0: unknown). */
  public static final long PID_NAMESPACE_OFFSET = FIRST_CHUNK_OFFSET + 128;

  /** Size of the meta file. */
  public static final long FILE_SIZE = FileHeader.SIZE * 2;
}
