package dev.mmapkit.internal;

import dev.mmapkit.FileFormatException;
import dev.mmapkit.MappedFile;
import java.io.IOException;
import java.nio.file.Files;
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
   * "cache file") has just mapped after checking its size, and closes the file if the step fails.
   * Another process may shrink the file at any moment, so a fault in a mapped access here becomes a
   * {@link FileFormatException} that says so, not the JDK's {@code InternalError}, and so does a
   * file found shorter than its mapping once the step is done. A shrink after that is the caller's
   * to live with, as its module documents.
   */
  public static <T> T whileOpening(Path path, String what, MappedFile file, OpeningStep<T> step)
      throws IOException {
    try {
      T result = step.run();
      // Also the native call on whose return C2 raises a fault it deferred ({@code FaultBarrier}).
      long now = currentSize(path);
      if (now >= 0 && now < file.size()) throw shrank(path, what, null);
      return result;
    } catch (IOException | RuntimeException | Error e) {
      file.close();
      if (isMappedAccessFault(e)) throw shrank(path, what, e);
      throw e;
    }
  }

  /** The file's size now, or -1 if it is gone or cannot be read (its mapping is still good). */
  private static long currentSize(Path path) {
    try {
      return Files.size(path);
    } catch (IOException e) {
      return -1;
    }
  }

  private static FileFormatException shrank(Path path, String what, Throwable fault) {
    long now = currentSize(path);
    return new FileFormatException(
        path,
        "truncated while being opened: another process shrank the "
            + what
            + (now < 0 ? "" : " to " + now + " bytes"),
        fault);
  }
}
