package dev.mmapkit;

/** How a {@link FileReader} will be used, which decides between mapping and {@code pread}. */
public enum AccessPattern {
  /** Front to back, once or more. */
  SEQUENTIAL,
  /** Reads at scattered offsets, many times. */
  RANDOM,
  /** A handful of reads and then close: mapping costs more than it saves on small files. */
  ONE_SHOT
}
