package dev.mmapkit.internal;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The JDK's error for a fault in a mapped access, and what opens make of it. A read or write of a
 * page that the file no longer covers, because another process shrank it, is raised as {@code
 * InternalError} with the message "a fault occurred in an unsafe memory access operation" (in
 * C2-compiled code at the thread's next safepoint poll, so possibly a little after the access). Any
 * other {@code InternalError} is a JVM bug and must propagate.
 */
public final class MappedFaults {
  private MappedFaults() {}

  /** True for the JDK's error for a fault in a mapped access. */
  public static boolean isMappedAccessFault(Throwable t) {
    return t instanceof InternalError
        && t.getMessage() != null
        && t.getMessage().contains("unsafe memory access");
  }

  /** Reads or writes a file that an open has just mapped (see {@link #whileOpening}). */
  public interface OpeningStep<T> {
    /** Checks or joins the mapped file and returns what the open returns. */
    T run() throws IOException;
  }

  /**
   * Runs {@code step} on {@code file}, which an open or a stats read of a {@code what} ("ring",
   * "cache file") has just mapped after checking its size. Another process may shrink the file at
   * any moment, so a fault in a mapped access here becomes a {@link FileFormatException} that says
   * so, not the JDK's {@code InternalError}, and so does a file found shorter than its mapping once
   * the step is done. On any failure the file is closed, and so is what the step returned if it is
   * {@link AutoCloseable} (a receiver or cache that joined the file leaves it again). A shrink
   * after this returns is the caller's to live with, as its module documents.
   */
  public static <T> T whileOpening(Path path, String what, MappedFile file, OpeningStep<T> step)
      throws IOException {
    T result = null;
    try {
      result = step.run();
      // Also the native call on whose return C2 raises a fault it deferred (FaultBarrier).
      if (currentSize(file) < file.size()) throw shrank(path, what, file, null);
      return result;
    } catch (IOException | RuntimeException | Error e) {
      Throwable thrown = isMappedAccessFault(e) ? shrank(path, what, file, e) : e;
      closeQuietly(result, thrown);
      closeQuietly(file, thrown);
      if (thrown instanceof IOException io) throw io;
      if (thrown instanceof RuntimeException r) throw r;
      throw (Error) thrown;
    }
  }

  private static void closeQuietly(Object resource, Throwable primary) {
    if (!(resource instanceof AutoCloseable closeable)) return;
    try {
      closeable.close();
    } catch (Exception | Error e) { // also a fault in leaving a shrunk file: the error is primary
      primary.addSuppressed(e);
    }
  }

  /**
   * The file's size now, through its open descriptor (a file renamed or deleted meanwhile still
   * answers), or {@link Long#MAX_VALUE} if it cannot be read: then nothing says it shrank.
   */
  private static long currentSize(MappedFile file) {
    try {
      return file.currentFileSize();
    } catch (IOException | RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }

  private static FileFormatException shrank(
      Path path, String what, MappedFile file, Throwable fault) {
    long now = currentSize(file);
    return new FileFormatException(
        path,
        "truncated while being opened: another process shrank the "
            + what
            + (now == Long.MAX_VALUE ? "" : " to " + now + " bytes"),
        fault);
  }
}
