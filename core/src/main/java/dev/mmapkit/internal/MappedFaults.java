package dev.mmapkit.internal;

/**
 * Tells the JDK's error for a fault in a mapped access apart from other {@code InternalError}s: a
 * read or write of a page that the file no longer covers, because another process shrank it, is
 * raised as {@code InternalError} with the message "a fault occurred in an unsafe memory access
 * operation" (in C2-compiled code at the thread's next safepoint poll, so possibly a little after
 * the access). Any other {@code InternalError} is a JVM bug and must propagate.
 */
public final class MappedFaults {
  private MappedFaults() {}

  /** True for the JDK's error for a fault in a mapped access. */
  public static boolean isMappedAccessFault(Throwable t) {
    return t instanceof InternalError
        && t.getMessage() != null
        && t.getMessage().contains("unsafe memory access");
  }
}
