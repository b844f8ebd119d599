package dev.mmapkit;

/** How a {@link FileReader} will be used, which decides between mapping and {@code pread}. */
public enum AccessPattern {
  /** Front to back, once or more. */
  SEQUENTIAL,
  /** Reads at scattered offsets, many times. */
  RANDOM,
  /** A handful of reads that copy the bytes out, then close: {@code pread} is cheaper. */
  ONE_SHOT
}
